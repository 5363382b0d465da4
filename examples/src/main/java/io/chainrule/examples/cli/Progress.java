package io.chainrule.examples.cli;

import io.chainrule.examples.task.Metric;
import io.chainrule.examples.train.TrainingListener;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Training progress. On standard output, a plain line at every tenth of the run and at least once
 * a minute (fit for logs), losses in a readable format ({@link Metric#format}).
 * On standard error, when asked for, a progress bar with the smoothed loss, throughput and time
 * left: redrawn in place on a terminal (at most ten times a second, cleared before anything else
 * is printed), or, when standard error is not a terminal, written as a plain line every few seconds.
 */
final class Progress implements TrainingListener {
    private static final int WIDTH = 24;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final long LINE_NANOS = 5_000_000_000L;
    /** The longest a long run goes without a log line on standard output. */
    private static final long LOG_NANOS = 60_000_000_000L;

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean bar;
    private final boolean inPlace;
    private long from;
    private long tokensPerIteration;
    private long startNanos;
    private long lastDraw;
    private long lastLog;
    private double smoothed = Double.NaN;
    private double windowSum;
    private long windowCount;
    private boolean drawn;

    Progress(PrintWriter out, PrintWriter err, boolean bar, boolean inPlace) {
        this.out = out;
        this.err = err;
        this.bar = bar;
        this.inPlace = inPlace;
    }

    @Override
    public void started(long from, long total, long tokensPerIteration) {
        this.from = from;
        this.tokensPerIteration = tokensPerIteration;
        this.startNanos = System.nanoTime();
        this.lastDraw = startNanos;
        this.lastLog = startNanos;
        if (from > 0) {
            out.printf(Locale.ROOT, "resuming at iteration %d of %d%n", from, total);
        }
    }

    @Override
    public void iteration(long done, long total, double loss, double seconds) {
        smoothed = Double.isNaN(smoothed) ? loss : 0.9 * smoothed + 0.1 * loss;
        windowSum += loss;
        windowCount++;
        long tenth = Math.max(1, total / 10);
        long now = System.nanoTime();
        if (done % tenth == 0 || done == total || now - lastLog >= LOG_NANOS) {
            clear();
            out.printf(Locale.ROOT, "iteration %d/%d  loss %s (mean of the last %d)  %.1f s%n",
                    done, total, Metric.format(windowSum / windowCount), windowCount, seconds);
            out.flush();
            windowSum = 0;
            windowCount = 0;
            lastLog = now;
        }
        boolean due = now - lastDraw >= (inPlace ? REDRAW_NANOS : LINE_NANOS) || (inPlace && !drawn) || done == from + 1;
        if (bar && due) {
            draw(done, total, now);
            lastDraw = now;
        }
    }

    private void draw(long done, long total, long now) {
        double elapsed = (now - startNanos) / 1e9;
        double rate = elapsed > 0 ? (done - from) / elapsed : 0;
        int filled = (int) (WIDTH * done / total);
        String eta = rate > 0 ? clock((total - done) / rate) : "?";
        String line = String.format(Locale.ROOT, "[%s%s] %d/%d  loss %s  %,.0f tok/s  %.1f it/s  eta %s",
                "=".repeat(filled), " ".repeat(WIDTH - filled), done, total, Metric.format(smoothed),
                rate * tokensPerIteration, rate, eta);
        if (inPlace) {
            err.print("\r" + line + "\u001b[K");
            drawn = true;
        } else {
            err.println(line);
        }
        err.flush();
    }

    private void clear() {
        if (drawn) {
            err.print("\r\u001b[K");
            err.flush();
            drawn = false;
        }
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    @Override
    public void finished() {
        clear();
    }
}
