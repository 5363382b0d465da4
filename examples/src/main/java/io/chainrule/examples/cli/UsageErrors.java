package io.chainrule.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How the program answers a command line it cannot parse (exit status 2): one line
 * "chainrule SUBCOMMAND: error: WHAT", where an unknown subcommand or option is named with the
 * closest valid one and the list of valid ones, then where to read more. An unknown option is
 * reported before any other problem, since it usually causes them (a mistyped required option
 * otherwise reads as "missing"). The usage text is not printed: it buries the one line that matters.
 */
final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    private static final Pattern NUMBER = Pattern.compile("-[0-9.].*");

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        CommandSpec spec = cmd.getCommandSpec();
        PrintWriter err = cmd.getErr();
        String message = ex.getMessage();
        String unknown = firstUnknownOption(spec, args);
        if (spec.parent() == null && args.length > 0 && !args[0].startsWith("-") && !spec.subcommands().containsKey(args[0])) {
            List<String> names = new ArrayList<>(spec.subcommands().keySet());
            message = "unknown subcommand '" + args[0] + "'" + ClosestMatch.hint(args[0], names)
                    + "\nthe subcommands are " + String.join(", ", names) + " (without one, 'train' runs)";
        } else if (unknown != null) {
            message = "unknown option '" + unknown + "'" + ClosestMatch.hint(unknown, optionNames(spec))
                    + "\nthe options of '" + spec.qualifiedName() + "' are " + String.join(", ", optionNames(spec));
        } else if (ex instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            message = "unexpected argument '" + u.getUnmatched().get(0) + "': '" + spec.qualifiedName() + "' takes options only";
        }
        if (message != null && message.startsWith("Error: ")) {
            message = message.substring("Error: ".length()); // picocli's own prefix, after ours
        }
        err.println(spec.qualifiedName() + ": error: " + message);
        err.println("('" + spec.qualifiedName() + " --help' describes every option)");
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }

    /** The longest name of each option of {@code spec}, in the order of --help. */
    private static List<String> optionNames(CommandSpec spec) {
        List<String> out = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            out.add(o.longestName());
        }
        return out;
    }

    /**
     * The first argument that looks like an option but is none of {@code spec}'s, skipping the
     * values of options that take one; null if there is none.
     */
    static String firstUnknownOption(CommandSpec spec, String[] args) {
        boolean inside = spec.parent() == null;   // the arguments of a subcommand start after its name
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!inside) {
                inside = a.equals(spec.name());
                continue;
            }
            if (a.equals("--")) {
                return null;
            }
            if (!a.startsWith("-") || NUMBER.matcher(a).matches()) {
                continue;
            }
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            OptionSpec o = spec.findOption(name);
            if (o == null) {
                return name;
            }
            if (!a.contains("=") && o.arity().max() > 0 && !o.typeInfo().isBoolean()) {
                i++;   // its value
            }
        }
        return null;
    }
}
