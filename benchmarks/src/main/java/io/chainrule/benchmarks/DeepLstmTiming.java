package io.chainrule.benchmarks;

import io.chainrule.autodiff.Var;
import io.chainrule.core.Parallelism;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.cell.LstmCell;
import io.chainrule.rnn.layers.RecurrentNetwork;
import io.chainrule.rnn.layers.StackedCell;
import org.apache.commons.math3.random.Well19937c;

import java.util.Arrays;
import java.util.Locale;

/**
 * How long one forward + backward of a 2-layer LSTM takes (H=256, B=32, D=64, T=100, float64, one
 * thread): the question of issue 21's speed target, answered beside PyTorch by
 * {@code deep_lstm_vs_pytorch.sh} (next to this file), which runs this and
 * {@code deep_lstm_pytorch.py} alternately in one sitting.
 *
 * <p>The work is PyTorch's {@code out, _ = lstm(x); out.sum().backward()} (divided by T here, as
 * {@link RecurrentWorkload}'s loss): gradients of every parameter, none of the inputs. Two forms:
 * {@code stacked} unrolls a {@link StackedCell} step by step ({@link Unroll#loss}, the second layer's
 * input product within each step), {@code layers} runs a {@link RecurrentNetwork} layer by layer
 * (each layer's input product hoisted over all T·B rows).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     io.chainrule.benchmarks.DeepLstmTiming layers 20
 * </pre>
 * prints one line: the form, the median milliseconds of the timed iterations (after 5 untimed),
 * and every timed iteration.
 */
public final class DeepLstmTiming {
    static final int LAYERS = 2;
    static final int HIDDEN = 256;
    static final int BATCH = 32;
    static final int INPUT = 64;
    static final int STEPS = 100;
    private static final int WARMUP = 5;

    private DeepLstmTiming() {
    }

    public static void main(String[] args) {
        String form = args.length > 0 ? args[0] : "layers";
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Parallelism.setThreads(1);
        Tensor x = Tensor.randn(2L, 1.0, STEPS, BATCH, INPUT);
        Runnable once = switch (form) {
            case "stacked" -> stacked(x);
            case "layers" -> layers(x);
            default -> throw new IllegalArgumentException("form must be stacked or layers, got " + form);
        };
        for (int i = 0; i < WARMUP; i++) {
            once.run();
        }
        double[] ms = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            once.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        StringBuilder all = new StringBuilder();
        for (double m : ms) {
            all.append(String.format(Locale.ROOT, " %.1f", m));
        }
        System.out.printf(Locale.ROOT, "chainrule-%s median_ms %.2f all%s%n", form, sorted[iterations / 2], all);
    }

    private static Runnable stacked(Tensor x) {
        StackedCell stack = StackedCell.of(LstmCell::new, INPUT, HIDDEN, LAYERS, new Well19937c(1));
        return () -> {
            stack.parameters().forEach(Var::zeroGrad);
            Unroll.loss(stack, Var.constant(x), Unroll.zeroState(stack, BATCH), (t, h) -> h.sum(), Bptt.full())
                    .loss().backward();
        };
    }

    private static Runnable layers(Tensor x) {
        RecurrentNetwork net = RecurrentNetwork.of(LstmCell::new, INPUT, HIDDEN, LAYERS, false, new Well19937c(1));
        return () -> {
            net.parameters().forEach(Var::zeroGrad);
            net.apply(Var.constant(x), null, Bptt.full()).outputs().sum().mul(1.0 / STEPS).backward();
        };
    }
}
