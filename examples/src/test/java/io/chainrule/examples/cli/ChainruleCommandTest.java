package io.chainrule.examples.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every subcommand is listed by the program's help and has its own. */
class ChainruleCommandTest {

    @ParameterizedTest
    @ValueSource(strings = {"train", "compare", "gradcheck", "diagnose", "plan", "graph", "bench"})
    void theProgramListsTheSubcommandAndItHasHelp(String name) {
        Cli.Result top = Cli.run("--help");
        assertEquals(0, top.exit(), top::toString);
        assertTrue(top.out().lines().anyMatch(l -> l.trim().startsWith(name + " ")), () -> name + " in\n" + top.out());
        Cli.Result own = Cli.run(name, "--help");
        assertEquals(0, own.exit(), own::toString);
        assertTrue(own.out().startsWith("Usage: chainrule " + name), own::toString);
    }
}
