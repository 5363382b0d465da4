package io.chainrule.rnn.longseq;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Memory;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.SequenceSource;
import io.chainrule.rnn.StepLoss;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.bptt.BpttStrategy;
import io.chainrule.rnn.cell.TanhRnnCell;

import java.util.Arrays;

/**
 * A full-gradient unroll over a generated sequence, run in a JVM of its own (by
 * {@link BeyondTheHeapTest}, with a heap smaller than the sequence): prints the first steps' losses
 * (as raw bits), the peak saved bytes and the gradient norm of the recurrent weight.
 *
 * <p>Arguments: steps, batch, input size, hidden size, budget bytes (0: full storage), prefix.
 */
public final class LongSequenceMain {
    private LongSequenceMain() {
    }

    static Tensor input(int t, int batch, int in) {
        double[] d = new double[batch * in];
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.sin(0.013 * t + 0.7 * i) + 0.5 * Math.cos(0.0071 * t * (1 + i % 3));
        }
        return Tensor.wrap(d, batch, in);
    }

    static StepLoss loss(int batch, int hidden, double[] prefix) {
        return (t, h) -> {
            Var l = Losses.mse(h, Var.constant(Tensor.full(Math.sin(0.05 * t), batch, hidden)));
            if (t < prefix.length && Double.isNaN(prefix[t])) {
                prefix[t] = l.value().item(); // the first evaluation (a recomputation gives the same bits)
            }
            return l;
        };
    }

    static Cell cell(int in, int hidden) {
        return new TanhRnnCell(in, hidden, 77);
    }

    public static void main(String[] args) {
        int steps = Integer.parseInt(args[0]);
        int batch = Integer.parseInt(args[1]);
        int in = Integer.parseInt(args[2]);
        int hidden = Integer.parseInt(args[3]);
        long budget = Long.parseLong(args[4]);
        double[] prefix = new double[Integer.parseInt(args[5])];
        Arrays.fill(prefix, Double.NaN);
        Cell cell = cell(in, hidden);
        SequenceSource source = SequenceSource.generated(steps, batch, in, t -> input(t, batch, in));
        BpttStrategy strategy = budget > 0 ? Bptt.budget(budget) : Bptt.full();
        Memory.reset();
        Var l = Unroll.loss(cell, source, Unroll.zeroState(cell, batch), loss(batch, hidden, prefix), strategy).loss();
        l.backward();
        StringBuilder sb = new StringBuilder("prefix");
        for (double v : prefix) {
            sb.append(' ').append(Long.toHexString(Double.doubleToRawLongBits(v)));
        }
        System.out.println(sb);
        System.out.println("peak " + Memory.peakSavedBytes());
        System.out.println("gradnorm " + cell.parameters().get(1).grad().norm());
        System.out.println("heap " + Runtime.getRuntime().maxMemory());
    }
}
