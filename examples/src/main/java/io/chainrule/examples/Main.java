package io.chainrule.examples;

import io.chainrule.examples.cli.ChainruleCommand;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * The {@code chainrule} program. {@code java -jar chainrule.jar} with no arguments trains the
 * default model on the built-in brackets task and says what it learned; {@code --help} lists the
 * subcommands. Exit status: 0 on success, 2 for a usage error, 1 for a failure.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the program with the given output streams and returns its exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        System.setProperty("java.awt.headless", "true");
        CommandLine cl = ChainruleCommand.commandLine(out, err);
        return ChainruleCommand.execute(cl, args);
    }
}
