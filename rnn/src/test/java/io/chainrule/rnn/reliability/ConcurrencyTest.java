package io.chainrule.rnn.reliability;

import io.chainrule.autodiff.Losses;
import io.chainrule.autodiff.Var;
import io.chainrule.core.Tensor;
import io.chainrule.rnn.Cell;
import io.chainrule.rnn.OutputLayer;
import io.chainrule.rnn.Unroll;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.cell.GruCell;
import io.chainrule.rnn.cell.LstmCell;
import io.chainrule.rnn.cell.TanhRnnCell;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thread safety as documented: independent graphs (their own parameters) differentiate
 * concurrently on different threads, with results bitwise identical to running them one after
 * another.
 */
class ConcurrencyTest {

    /** Builds model k from scratch and returns its gradients after a few forward/backward passes. */
    private static List<Tensor> gradients(int k) {
        Cell cell = k % 3 == 0 ? new TanhRnnCell(4, 16, k) : k % 3 == 1 ? new GruCell(4, 16, k) : new LstmCell(4, 16, k);
        OutputLayer head = new OutputLayer(16, 3, true, 100 + k);
        Tensor x = Tensor.randn(200 + k, 1.0, 12, 5, 4);
        Tensor y = Tensor.randn(300 + k, 1.0, 12, 5, 3);
        for (int pass = 0; pass < 3; pass++) {
            Unroll.loss(cell, Var.constant(x), Unroll.zeroState(cell, 5),
                    (t, h) -> Losses.mse(head.apply(h), Var.constant(y.row(t))),
                    pass == 1 ? Bptt.truncated(4) : Bptt.full()).loss().backward();
        }
        List<Tensor> out = new ArrayList<>();
        cell.parameters().forEach(p -> out.add(p.grad()));
        head.parameters().forEach(p -> out.add(p.grad()));
        return out;
    }

    @Test
    void independentGraphsDifferentiateConcurrentlyWithSequentialResults() throws Exception {
        int models = 8;
        List<List<Tensor>> sequential = new ArrayList<>();
        for (int k = 0; k < models; k++) {
            sequential.add(gradients(k));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 3; round++) {
                List<Future<List<Tensor>>> futures = new ArrayList<>();
                for (int k = 0; k < models; k++) {
                    int m = k;
                    futures.add(pool.submit(() -> gradients(m)));
                }
                for (int k = 0; k < models; k++) {
                    List<Tensor> got = futures.get(k).get();
                    List<Tensor> want = sequential.get(k);
                    assertEquals(want.size(), got.size());
                    for (int i = 0; i < want.size(); i++) {
                        int mi = k;
                        int pi = i;
                        assertTrue(want.get(i).bitwiseEquals(got.get(i)),
                                () -> "model " + mi + " gradient " + pi + " differs when run concurrently");
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
