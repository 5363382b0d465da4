package io.chainrule.examples.cli;

import io.chainrule.examples.Main;
import io.chainrule.examples.train.RunFiles;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.WritableByteChannel;
import java.util.function.UnaryOperator;

/** Runs the program in-process and captures what it prints. */
final class Cli {
    private Cli() {
    }

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(exit, out.toString(), err.toString());
    }

    /** Runs {@code train} with checkpoint writes going through {@code channelFilter}. */
    static Result train(UnaryOperator<WritableByteChannel> channelFilter, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = ChainruleCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        TrainCommand train = cl.getSubcommands().get("train").getCommand();
        train.runFiles = dir -> new RunFiles(dir, channelFilter);
        int exit = ChainruleCommand.execute(cl, args);
        return new Result(exit, out.toString(), err.toString());
    }
}
