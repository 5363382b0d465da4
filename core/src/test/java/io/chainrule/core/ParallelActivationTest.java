package io.chainrule.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Large activations are split over threads; the result is bitwise the one-thread result. The
 * in-place forms give bitwise the values of the ones that allocate.
 */
class ParallelActivationTest {

    @Test
    void activationsGiveBitwiseTheSameResultOnOneAndSeveralThreads() {
        int before = Parallelism.threads();
        try {
            // sizes around the parallel threshold, odd sizes so chunks end in scalar tails, offsets via a view
            for (int n : new int[] {16383, 16384, 40001, 100_003}) {
                Tensor x = Tensor.randn(n, 3.0, n + 5).slice(0, 5, n + 5);
                Parallelism.setThreads(1);
                Tensor[] one = {x.tanh(), x.sigmoid(), x.exp()};
                for (int threads : new int[] {2, 3}) {
                    Parallelism.setThreads(threads);
                    Tensor[] many = {x.tanh(), x.sigmoid(), x.exp()};
                    for (int i = 0; i < 3; i++) {
                        int k = i;
                        assertTrue(one[i].bitwiseEquals(many[i]), () -> "function " + k + ", n=" + n + ", " + threads + " threads");
                    }
                }
            }
        } finally {
            Parallelism.setThreads(before);
        }
    }

    @Test
    void inPlaceActivationsGiveBitwiseTheValuesOfTheAllocatingOnes() {
        int before = Parallelism.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                Parallelism.setThreads(threads);
                // a small and a parallel size, odd so the scalar tail runs; views at an offset
                for (int n : new int[] {37, 40001}) {
                    Tensor base = Tensor.randn(n, 4.0, n + 3);
                    Tensor x = base.slice(0, 3, n + 3);
                    Tensor tanh = x.tanh();
                    Tensor sigmoid = x.sigmoid();
                    Tensor inPlace = x.copy();
                    assertTrue(inPlace.tanhInPlace().bitwiseEquals(tanh), () -> "tanh, n=" + n + ", " + threads + " threads");
                    Tensor view = Tensor.randn(n, 4.0, n + 3).slice(0, 3, n + 3);
                    view.assignInPlace(x);
                    Tensor returned = view.sigmoidInPlace();
                    assertTrue(returned == view && view.bitwiseEquals(sigmoid), () -> "sigmoid, n=" + n);
                }
            }
        } finally {
            Parallelism.setThreads(before);
        }
    }
}
