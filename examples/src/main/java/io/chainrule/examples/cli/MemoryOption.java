package io.chainrule.examples.cli;

import io.chainrule.autodiff.checkpoint.Bytes;
import io.chainrule.examples.train.StrategySpec;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * {@code --memory SIZE} of {@code bench} and {@code train}: full BPTT within SIZE bytes for stored
 * states and recorded steps ({@code --strategy checkpoint:budget=SIZE}: the library measures a step
 * and picks the cheapest checkpoint schedule that fits). It completes the default strategy,
 * {@code full}; with any other {@code --strategy} it is a usage error (the budget picks the
 * checkpoint schedule, so it cannot be added to one, and truncation needs no budget to be cheap).
 */
final class MemoryOption {
    private MemoryOption() {
    }

    /** The description of the option, shared by the commands. */
    static final String DESCRIPTION = "full BPTT within SIZE for stored states and recorded steps (units: 512MiB, 1GiB; "
            + "the same as --strategy checkpoint:budget=SIZE)";

    /** The strategy to run: {@code strategy} without {@code --memory}, else full BPTT within {@code memory}. */
    static StrategySpec strategy(CommandLine cmd, StrategySpec strategy, String memory) {
        if (memory == null) {
            return strategy;
        }
        String size = memory.replaceAll("\\s+", "");
        try {
            Bytes.parse(size);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cmd, "Invalid value for option '--memory': " + e.getMessage());
        }
        if (!strategy.toString().equals("full")) {
            throw new ParameterException(cmd, "--memory " + memory + " is full BPTT within " + size + " (--strategy "
                    + StrategySpec.BUDGET + size + "), and --strategy " + strategy + " is another strategy: give one of them");
        }
        return StrategySpec.parse(StrategySpec.BUDGET + size);
    }
}
