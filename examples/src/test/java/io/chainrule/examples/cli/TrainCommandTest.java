package io.chainrule.examples.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line itself: help, and clear errors with the right exit status for bad input. */
class TrainCommandTest {

    @Test
    void trainHelpListsEveryOption() {
        Cli.Result r = Cli.run("train", "--help");
        assertEquals(0, r.exit(), r::toString);
        for (String option : new String[] {"--task", "--file", "--cell", "--hidden", "--batch", "--steps", "--strategy",
                "--clip", "--lr", "--iterations", "--epochs", "--seed", "--out", "--overwrite", "--save-every", "--resume", "--progress"}) {
            assertTrue(r.out().contains(option), () -> option + " missing from\n" + r.out());
        }
    }

    @Test
    void topLevelHelpNamesTheSubcommands() {
        Cli.Result r = Cli.run("--help");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("train"), r.out());
        assertTrue(r.out().contains("Usage: chainrule"), r.out());
    }

    @Test
    void optionsWithoutASubcommandGoToTrain() {
        Cli.Result r = Cli.run("--cell", "nonsense");
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("--cell") && r.err().contains("nonsense"), r.err());
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                Arguments.of(new String[] {"--cell", "transformer"}, "'--cell'", "transformer"),
                Arguments.of(new String[] {"--task", "chess"}, "'--task'", "chess"),
                Arguments.of(new String[] {"--hidden", "0"}, "--hidden must be positive", "0"),
                Arguments.of(new String[] {"--hidden", "many"}, "'--hidden'", "many"),
                Arguments.of(new String[] {"--lr", "-1"}, "--lr", "-1"),
                Arguments.of(new String[] {"--clip", "NaN"}, "--clip", "NaN"),
                Arguments.of(new String[] {"--strategy", "truncated:x"}, "'--strategy'", "truncated:x"),
                Arguments.of(new String[] {"--strategy", "randomized:2"}, "'--strategy'", "pi must be in (0, 1]"),
                Arguments.of(new String[] {"--strategy", "checkpoint:slots=0"}, "'--strategy'", "checkpoint:slots=0"),
                Arguments.of(new String[] {"--strategy", "bogus"}, "'--strategy'", "bogus"),
                Arguments.of(new String[] {"--epochs", "2"}, "--epochs needs a finite data set", "brackets"),
                Arguments.of(new String[] {"--iterations", "5", "--epochs", "2"}, "--iterations", "--epochs"),
                Arguments.of(new String[] {"--task", "text"}, "--task text needs --file", "FILE"),
                Arguments.of(new String[] {"--task", "copy", "--steps", "5"}, "--steps of at least 11", "5"),
                Arguments.of(new String[] {"--file", "x.txt"}, "--file is for --task text only", "brackets"),
                Arguments.of(new String[] {"--bogus"}, "unknown option", "--bogus"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("usageErrors")
    void badInputIsAUsageErrorNamingTheOption(String[] args, String mentions, String andMentions, @TempDir Path dir) {
        String[] all = Stream.concat(Stream.of(args), Stream.of("--out", dir.toString())).toArray(String[]::new);
        Cli.Result r = Cli.run(all);
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains(mentions) && r.err().contains(andMentions), r::toString);
        assertFalse(r.err().contains("\tat "), () -> "no stack trace for a usage error:\n" + r.err());
    }

    @Test
    void resumingWhereThereIsNoRunFailsWithExitStatus1(@TempDir Path dir) {
        Cli.Result r = Cli.run("train", "--resume", "--out", dir.toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("nothing to resume in " + dir), r::toString);
        assertFalse(r.err().contains("\tat "), r::toString);
    }

    @Test
    void resumeRefusesToChangeSavedSettings(@TempDir Path dir) {
        Cli.Result r = Cli.run("train", "--resume", "--hidden", "8", "--out", dir.toString());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("--hidden cannot be changed"), r::toString);
    }

    @Test
    void aMissingTextFileIsAFailureNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("missing.txt");
        Cli.Result r = Cli.run("train", "--task", "text", "--file", missing.toString(), "--out", dir.toString());
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains(missing.toString()), r::toString);
        assertFalse(Files.exists(dir.resolve("config.json")), "nothing is written for a run that cannot start");
    }
}
