package io.chainrule.rnn.layers;

import io.chainrule.autodiff.GradCheck;
import io.chainrule.autodiff.Rng;
import io.chainrule.autodiff.checkpoint.Schedule;
import io.chainrule.rnn.bptt.Bptt;
import io.chainrule.rnn.bptt.BpttStrategy;
import io.chainrule.rnn.layers.RecurrentNetworkTest.Problem;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.List;

/**
 * Deep, bidirectional and deep bidirectional networks of every built-in cell (and a user's)
 * agree with central finite differences (max relative error 1e-6) under the strategies that apply
 * to them, full and checkpointed BPTT, with dropout between the layers too.
 */
class RecurrentNetworkGradientProperties {

    @Property(tries = 3)
    void deepAndBidirectionalNetworksAgreeWithFiniteDifferences(@ForAll @IntRange(min = 1, max = 3) int layers,
                                                               @ForAll @IntRange(min = 1, max = 3) int in,
                                                               @ForAll @IntRange(min = 1, max = 3) int hidden,
                                                               @ForAll @IntRange(min = 1, max = 2) int batch,
                                                               @ForAll @IntRange(min = 1, max = 6) int steps,
                                                               @ForAll long seed) {
        for (String name : StackedCellGradientProperties.CELLS) {
            for (boolean bidirectional : new boolean[] {true, false}) {
                Problem p = new Problem(Stacks.network(name, in, hidden, layers, bidirectional, seed), batch, steps, seed);
                for (BpttStrategy s : List.of(Bptt.full(), Bptt.checkpointed(Schedule.everyK(2)))) {
                    GradCheck.check(() -> p.loss(s), p.parameters).assertClose(1e-6);
                }
            }
        }
    }

    @Property(tries = 2)
    void dropoutBetweenLayersIsDifferentiatedExactly(@ForAll @IntRange(min = 2, max = 3) int layers,
                                                     @ForAll @IntRange(min = 2, max = 5) int steps, @ForAll long seed) {
        Rng.current().setSeed(seed);
        for (String name : Stacks.LAYOUT) {
            RecurrentNetwork net = Stacks.network(name, 2, 3, layers, true, seed);
            for (RecurrentNetwork training : List.of(net.withDropout(0.3), net.withVariationalDropout(0.3))) {
                Problem p = new Problem(training, 2, steps, seed);
                GradCheck.check(() -> p.loss(Bptt.full()), p.parameters).assertClose(1e-6);
            }
        }
    }

}
