package io.chainrule.examples.task;

import io.chainrule.core.Tensor;
import io.chainrule.examples.io.HeapBudget;
import io.chainrule.examples.io.Utf8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Character-level language modelling on a UTF-8 file. The characters (code points) of the first
 * 90% of the file are cut into B contiguous tracks read T characters a batch, the state carried
 * from batch to batch and reset at the start of each pass (epoch); the last 10% is held out. The
 * report gives held-out perplexity beside the perplexity of the best constant prediction (the
 * character frequencies) and of a uniform guess (the vocabulary size).
 */
public final class TextTask implements Task {
    static final double TRAIN_FRACTION = 0.9;
    static final int MAX_EVAL_CHUNKS = 32;

    private final Path file;
    private final int steps;
    private final int batch;
    private final int[] vocabulary;          // sorted code points
    private final Map<Integer, Integer> index = new LinkedHashMap<>();
    private final int[] train;
    private final int[] held;
    private final String sha256;
    private List<Batch> eval;

    public TextTask(Path file, int steps, int batch) throws IOException {
        this.file = file.toAbsolutePath();
        this.steps = steps;
        this.batch = batch;
        byte[] bytes = read(file);
        this.sha256 = sha256(bytes);
        int[] text = decode(bytes, file).codePoints().toArray();
        TreeSet<Integer> distinct = new TreeSet<>();
        for (int c : text) {
            distinct.add(c);
        }
        this.vocabulary = distinct.stream().mapToInt(Integer::intValue).toArray();
        for (int i = 0; i < vocabulary.length; i++) {
            index.put(vocabulary[i], i);
        }
        int cut = (int) (text.length * TRAIN_FRACTION);
        long need = (long) batch * (steps + 1L);
        if (cut < need || text.length - cut < need) {
            throw new IllegalArgumentException("the text file " + file + " has " + text.length + " characters; with --batch "
                    + batch + " and --steps " + steps + " it needs at least " + (long) Math.ceil(need / (1 - TRAIN_FRACTION))
                    + " (90% to train on, 10% held out, each at least batch x (steps + 1))");
        }
        this.train = ids(text, 0, cut);
        this.held = ids(text, cut, text.length);
    }

    /**
     * Bytes a byte of text costs while it is read: the bytes, the decoded string (up to 2 a
     * character), its code points and the training and held-out symbol ids (4 each).
     */
    static final long BYTES_PER_FILE_BYTE = 14;

    /**
     * The file's bytes; a file that is not a regular file (a directory, {@code /dev/zero}, a pipe)
     * or that the heap could not hold while it is decoded is refused before it is read.
     */
    private static byte[] read(Path file) throws IOException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new IllegalArgumentException("the text file " + file + " is not a regular file (a UTF-8 text file is needed)");
        }
        long size = Files.size(file);
        if (size > HeapBudget.MAX_ARRAY_ELEMENTS) {
            throw new IllegalArgumentException("the text file " + file + " has " + HeapBudget.bytes(size) + "; the text task reads "
                    + "files of at most " + HeapBudget.bytes(HeapBudget.MAX_ARRAY_ELEMENTS) + " (one Java array)");
        }
        long need = size * BYTES_PER_FILE_BYTE;
        if (need > HeapBudget.available()) {
            throw new IllegalStateException("the text file " + file + " has " + HeapBudget.bytes(size) + "; reading it needs about "
                    + HeapBudget.bytes(need) + " of memory (" + BYTES_PER_FILE_BYTE + " bytes a byte of text) but the Java heap has "
                    + HeapBudget.bytes(HeapBudget.available()) + " available; "
                    + HeapBudget.advice("use a smaller file", need));
        }
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != size) {
            throw new IOException("the text file " + file + " changed while it was read (" + size + " bytes, then " + bytes.length + ")");
        }
        return bytes;
    }

    private static String decode(byte[] bytes, Path file) {
        try {
            return Utf8.decode(bytes, "the text file " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private int[] ids(int[] text, int from, int to) {
        int[] out = new int[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = index.get(text[i]);
        }
        return out;
    }

    @Override
    public String name() {
        return "text";
    }

    @Override
    public int inputSize() {
        return vocabulary.length;
    }

    @Override
    public int outputSize() {
        return vocabulary.length;
    }

    @Override
    public Objective objective() {
        return Objective.CLASSIFICATION;
    }

    @Override
    public boolean streaming() {
        return true;
    }

    /** Batches in one pass over the training text. */
    public long chunksPerEpoch() {
        return (train.length / batch - 1) / steps;
    }

    @Override
    public boolean restartsStream(long iteration) {
        return iteration % chunksPerEpoch() == 0;
    }

    @Override
    public Batch batch(long iteration) {
        return chunk(train, iteration % chunksPerEpoch());
    }

    private Batch chunk(int[] tokens, long index) {
        int v = vocabulary.length;
        int track = tokens.length / batch;
        double[] x = new double[steps * batch * v];
        int[][] y = new int[steps][batch];
        for (int b = 0; b < batch; b++) {
            int start = b * track + (int) (index * steps);
            for (int t = 0; t < steps; t++) {
                x[(t * batch + b) * v + tokens[start + t]] = 1.0;
                y[t][b] = tokens[start + t + 1];
            }
        }
        return new Batch(Tensor.wrap(x, steps, batch, v), y, null, Batch.allScored(steps));
    }

    @Override
    public int evalBatchCount() {
        return Math.min(MAX_EVAL_CHUNKS, (held.length / batch - 1) / steps);
    }

    @Override
    public List<Batch> evalBatches() {
        if (eval == null) {
            eval = new ArrayList<>();
            int chunks = evalBatchCount();
            for (int k = 0; k < chunks; k++) {
                eval.add(chunk(held, k));
            }
        }
        return eval;
    }

    @Override
    public List<Metric> score(List<Batch> batches, List<Tensor[]> outputs) {
        long[] counts = new long[vocabulary.length];
        double nll = 0;
        long n = 0;
        for (int k = 0; k < batches.size(); k++) {
            Batch bt = batches.get(k);
            for (int t = 0; t < bt.steps(); t++) {
                Tensor logits = outputs.get(k)[t];
                for (int b = 0; b < bt.batchSize(); b++) {
                    int target = bt.classes()[t][b];
                    counts[target]++;
                    nll -= logSoftmax(logits, b, target);
                    n++;
                }
            }
        }
        double constant = Marginal.entropy(counts);
        return List.of(
                Metric.number("constant_loss", "best constant prediction (entropy of the character frequencies)", constant),
                Metric.number("perplexity", "held-out perplexity", Math.exp(nll / n)),
                Metric.number("constant_perplexity", "perplexity of the best constant prediction", Math.exp(constant)),
                Metric.number("uniform_perplexity", "perplexity of a uniform guess (vocabulary size)", vocabulary.length));
    }

    private static double logSoftmax(Tensor logits, int row, int target) {
        int c = logits.dim(1);
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < c; j++) {
            max = Math.max(max, logits.get(row, j));
        }
        double sum = 0;
        for (int j = 0; j < c; j++) {
            sum += Math.exp(logits.get(row, j) - max);
        }
        return logits.get(row, target) - max - Math.log(sum);
    }

    @Override
    public String describe() {
        return "predict the next character of " + file.getFileName() + " (" + (train.length + held.length) + " characters, "
                + vocabulary.length + " distinct; " + chunksPerEpoch() + " batches of " + steps + " an epoch, streaming)";
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("text_file", file.toString(), "text_sha256", sha256,
                "vocabulary", new String(vocabulary, 0, vocabulary.length));
    }
}
