package io.chainrule.examples.cli;

import io.chainrule.examples.graph.ChapterGraph;
import io.chainrule.core.io.AtomicFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code chainrule graph}: the unrolled computational graph of the chapter's linear RNN, in Graphviz DOT. */
@Command(name = "graph", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the computational graph of the chapter's linear RNN (h_t = W_hx x_t + W_hh h_{t-1}, "
                + "o_t = W_qh h_t, L = (1/T) sum_t l(o_t, y_t)) unrolled over T steps, in Graphviz DOT, drawn like "
                + "the chapter's figure: variables as boxes, parameters as shaded boxes, operators as circles.",
                "",
                "Render it with: chainrule graph --steps 3 | dot -Tpng -o graph.png"})
public final class GraphCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--steps", defaultValue = "3", paramLabel = "N", description = "time steps to unroll (default: ${DEFAULT-VALUE}, as in the figure)")
    int steps;

    /** The most steps drawn. */
    static final int MAX_STEPS = 10_000;

    @Option(names = "--out", paramLabel = "FILE", description = "write the DOT source to FILE instead of standard output")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (steps <= 0 || steps > MAX_STEPS) {
            throw new ParameterException(spec.commandLine(), "--steps must be from 1 to " + MAX_STEPS + " (a drawing of "
                    + "more than a few dozen steps is unreadable; " + MAX_STEPS + " steps make 12.5 MB of DOT), got " + steps);
        }
        if (out != null && (out.toString().isBlank() || Files.isDirectory(out))) {
            throw new ParameterException(spec.commandLine(), "--out must name a file, got "
                    + (out.toString().isBlank() ? "an empty name" : out + ", a directory"));
        }
        String dot = ChapterGraph.dot(steps);
        if (out != null) {
            AtomicFile.writeString(out, dot);
        } else {
            spec.commandLine().getOut().print(dot);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
