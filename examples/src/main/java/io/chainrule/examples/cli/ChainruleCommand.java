package io.chainrule.examples.cli;

import io.chainrule.examples.io.HeapBudget;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.Set;

/** The {@code chainrule} program: subcommands, with {@code train} the default. */
@Command(name = "chainrule", mixinStandardHelpOptions = true, version = "chainrule 0.1.0",
        description = {"Reverse-mode automatic differentiation for the JVM, with recurrent networks whose",
                "backpropagation through time you can see, check and control.",
                "",
                "Without a subcommand, runs 'train' (with no arguments: the built-in brackets task)."},
        subcommands = {TrainCommand.class, CompareCommand.class, GradcheckCommand.class, DiagnoseCommand.class,
                PlanCommand.class, GraphCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class ChainruleCommand implements Runnable {
    private static final Set<String> TOP_LEVEL = Set.of("-h", "--help", "-V", "--version");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The command line with its error handling: usage errors exit 2 ({@link UsageErrors}), failures
     * 1 with a one-line message (a stack trace only for a bug: an exception that is not an I/O,
     * argument or state error).
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new ChainruleCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(new UsageErrors());
        cl.setExecutionExceptionHandler((e, line, parseResult) -> {
            boolean expected = e instanceof java.io.IOException || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException;
            line.getErr().println(line.getCommandSpec().qualifiedName() + ": " + (expected ? "error: " : "internal error: ") + message(e));
            if (!expected) {
                e.printStackTrace(line.getErr());   // a bug: the trace is what a report needs
            }
            line.getErr().flush();
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cl;
    }

    private static String message(Exception e) {
        if (e instanceof java.nio.file.FileSystemException f) {
            String what = f instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : f instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : f instanceof java.nio.file.FileAlreadyExistsException ? "a file is in the way"
                    : f instanceof java.nio.file.NotDirectoryException ? "not a directory"
                    : f.getClass().getSimpleName();
            return (f.getReason() != null ? f.getReason() + ": " : "") + f.getFile() + " (" + what + ")";
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /**
     * Runs the program's command line on {@code args} and returns the exit status. An
     * {@code OutOfMemoryError} that the up-front estimates did not prevent ends the program with
     * a message (the heap's limit and how to raise it) and status 1, not a stack trace; a run cut
     * short this way has already removed what it had started ({@code Run.train}).
     */
    public static int execute(CommandLine cl, String[] args) {
        String[] all = withDefaultSubcommand(cl, args);
        try {
            return cl.execute(all);
        } catch (OutOfMemoryError e) {
            PrintWriter err = cl.getErr();
            err.println("chainrule " + all[0] + ": error: out of memory (" + e.getMessage() + "): the Java heap's limit is "
                    + HeapBudget.bytes(Runtime.getRuntime().maxMemory())
                    + "; use smaller sizes (--batch, --steps, --hidden), or give Java more memory, e.g. java -Xmx"
                    + Math.max(2, 2 * (Runtime.getRuntime().maxMemory() >> 30)) + "g --add-modules jdk.incubator.vector -jar chainrule.jar ...");
            err.flush();
            return CommandLine.ExitCode.SOFTWARE;
        }
    }

    /**
     * The arguments with {@code train} put in front when no subcommand is named (when the first
     * argument is an option). A first argument that is neither an option nor a subcommand is left
     * for the parser to report as an unknown subcommand.
     */
    public static String[] withDefaultSubcommand(CommandLine cl, String[] args) {
        if (args.length > 0 && (cl.getSubcommands().containsKey(args[0]) || TOP_LEVEL.contains(args[0])
                || !args[0].startsWith("-"))) {
            return args;
        }
        String[] out = new String[args.length + 1];
        out[0] = "train";
        System.arraycopy(args, 0, out, 1, args.length);
        return out;
    }
}
