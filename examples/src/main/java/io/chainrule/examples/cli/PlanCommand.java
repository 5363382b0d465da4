package io.chainrule.examples.cli;

import io.chainrule.examples.io.FlatJson;
import io.chainrule.examples.plan.ScheduleCost;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code chainrule plan}: the cost of the optimal checkpoint schedule for T steps and a number of stored states. */
@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Plan binomial checkpointing (Griewank's revolve) for differentiating T steps with S stored "
                + "states, or with as many states as fit in a memory budget: the total step evaluations (each step "
                + "once recorded, plus the extra forward steps that recompute what was not stored) and the most "
                + "states stored at once. Nothing is run: the numbers come from the library's Planner, which walks "
                + "the exact schedule the checkpointed BPTT strategy executes.",
                "",
                "Example: chainrule plan --steps 1000 --slots 1,2,5,10,32,100,999"})
public final class PlanCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--steps", required = true, paramLabel = "T", description = "steps of the chain (sequence length)")
    int steps;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Budget budget;

    static final class Budget {
        @Option(names = "--slots", split = ",", paramLabel = "S", description = "stored states, comma-separated for several plans")
        List<Integer> slots;

        @ArgGroup(exclusive = false)
        Bytes bytes;
    }

    static final class Bytes {
        @Option(names = "--memory", required = true, paramLabel = "BYTES", description = "memory for stored states, in bytes")
        long memory;

        @Option(names = "--state-bytes", required = true, paramLabel = "N",
                description = "bytes of one stored state (e.g. 8 * B * H per state part for float64, plus the running loss)")
        long stateBytes;
    }

    @Option(names = "--json", description = "print a JSON array of {steps, slots, evaluations, extraForward, peakStates}")
    boolean json;

    /** The longest chain planned: the planner walks the schedule, about a second for 10^6 steps and few slots. */
    static final int MAX_STEPS = 1_000_000;
    /** The most plans one command makes. */
    static final int MAX_PLANS = 20;

    @Override
    public Integer call() {
        if (steps <= 0 || steps > MAX_STEPS) {
            throw usage("--steps must be from 1 to " + String.format(Locale.ROOT, "%,d", MAX_STEPS) + " (the planner walks "
                    + "the whole schedule: about a second for a million steps), got " + steps);
        }
        if (budget.slots != null && budget.slots.size() > MAX_PLANS) {
            throw usage("--slots gives " + budget.slots.size() + " values; at most " + MAX_PLANS + " plans at once");
        }
        List<ScheduleCost> plans = new ArrayList<>();
        try {
            if (budget.slots != null) {
                for (int s : budget.slots) {
                    if (s <= 0) {
                        throw usage("--slots must be positive, got " + s);
                    }
                    plans.add(ScheduleCost.binomial(steps, s));
                }
            } else {
                if (budget.bytes.memory < 0 || budget.bytes.stateBytes <= 0) {
                    throw usage("--memory must be at least 0 and --state-bytes positive, got " + budget.bytes.memory
                            + " and " + budget.bytes.stateBytes);
                }
                plans.add(ScheduleCost.budget(steps, budget.bytes.memory, budget.bytes.stateBytes));
            }
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());   // e.g. a budget that holds no state
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            plans.forEach(p -> rows.add(p.toJson()));
            out.print(FlatJson.formatArray(rows));
        } else {
            print(out, plans);
        }
        out.flush();
        return 0;
    }

    private void print(PrintWriter out, List<ScheduleCost> plans) {
        out.printf(Locale.ROOT, "chainrule plan: T = %,d steps, binomial checkpointing (revolve)%s%n", steps,
                budget.bytes == null ? "" : String.format(Locale.ROOT, ", %,d bytes for states of %,d bytes",
                        budget.bytes.memory, budget.bytes.stateBytes));
        Table table = new Table().number("slots").number("evaluations").number("extra forward").number("peak states")
                .number("x T");
        for (ScheduleCost p : plans) {
            table.row(Integer.toString(p.slots()), String.format(Locale.ROOT, "%,d", p.evaluations()),
                    String.format(Locale.ROOT, "%,d", p.extraForward()), Integer.toString(p.peakStates()),
                    String.format(Locale.ROOT, "%.2f", (double) p.evaluations() / steps));
        }
        table.print(out);
        ScheduleCost all = ScheduleCost.storeAll(steps);
        ScheduleCost sqrt = ScheduleCost.sqrt(steps);
        out.printf(Locale.ROOT, "for comparison: store all: %,d evaluations, every step's activations held (%,d steps);%n",
                all.evaluations(), all.peakRecordedSteps());
        out.printf(Locale.ROOT, "                %s: %,d evaluations, %d states and %d recorded steps at most%n",
                sqrt.layout(), sqrt.evaluations(), sqrt.peakStates(), sqrt.peakRecordedSteps());
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
