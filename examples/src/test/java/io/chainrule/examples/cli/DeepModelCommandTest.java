package io.chainrule.examples.cli;

import io.chainrule.examples.io.FlatJson;
import io.chainrule.core.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --layers}, {@code --bidirectional} and {@code --dropout} in {@code train} and {@code gradcheck}. */
class DeepModelCommandTest {

    @Test
    void aDeepBidirectionalModelTrainsAndSavesPyTorchNames(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Cli.Result r = Cli.run("train", "--task", "adding", "--cell", "lstm", "--layers", "2", "--bidirectional",
                "--dropout", "0.1", "--hidden", "6", "--batch", "4", "--steps", "12", "--iterations", "3",
                "--out", run.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("model: lstm, 2 layers, bidirectional, dropout 0.1, hidden 6"), r.out());
        Map<String, Object> config = FlatJson.read(run.resolve("config.json"));
        assertEquals(2L, config.get("layers"));
        assertEquals(Boolean.TRUE, config.get("bidirectional"));
        var names = Safetensors.load(run.resolve("model.safetensors")).tensors().keySet();
        for (String n : new String[] {"cell.weight_ih_l0", "cell.weight_hh_l0_reverse", "cell.bias_ih_l1",
                "cell.bias_hh_l1_reverse", "output.weight"}) {
            assertTrue(names.contains(n), () -> n + " missing from " + names);
        }
        // the saved run continues bitwise like one that was not interrupted
        Path straight = dir.resolve("straight");
        Cli.Result s = Cli.run("train", "--task", "adding", "--cell", "lstm", "--layers", "2", "--bidirectional",
                "--dropout", "0.1", "--hidden", "6", "--batch", "4", "--steps", "12", "--iterations", "5",
                "--out", straight.toString());
        assertEquals(0, s.exit(), s::toString);
        Cli.Result resumed = Cli.run("train", "--resume", "--iterations", "5", "--out", run.toString());
        assertEquals(0, resumed.exit(), resumed::toString);
        var a = Safetensors.load(straight.resolve("model.safetensors")).tensors();
        var b = Safetensors.load(run.resolve("model.safetensors")).tensors();
        for (String n : a.keySet()) {
            assertTrue(a.get(n).bitwiseEquals(b.get(n)), n);
        }
    }

    @Test
    void aStackedModelStreamsOnTheBracketsTask(@TempDir Path dir) {
        Cli.Result r = Cli.run("train", "--cell", "gru", "--layers", "3", "--dropout", "0.2", "--hidden", "6",
                "--batch", "4", "--steps", "20", "--iterations", "2", "--strategy", "checkpoint:sqrt",
                "--out", dir.resolve("run").toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("model: gru, 3 layers, dropout 0.2"), r.out());
    }

    @Test
    void aBidirectionalModelCannotPredictTheNextSymbol() {
        for (String task : new String[] {"brackets", "sine"}) {
            Cli.Result r = Cli.run("train", "--task", task, "--bidirectional", "--iterations", "1");
            assertEquals(2, r.exit(), r::toString);
            assertTrue(r.err().contains("--bidirectional") && r.err().contains("cannot predict the next")
                    && r.err().contains("--task adding"), r.err());
        }
        Cli.Result r = Cli.run("train", "--cell", "linear", "--layers", "2", "--iterations", "1");
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("linear"), r.err());
        r = Cli.run("train", "--dropout", "1", "--iterations", "1");
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("--dropout must be in [0, 1)"), r.err());
    }

    @Test
    void gradcheckCoversDeepAndBidirectionalCells() {
        Cli.Result deep = Cli.run("gradcheck", "--layers", "2", "--dropout", "0.3", "--steps", "5", "--hidden", "3");
        assertEquals(0, deep.exit(), deep::toString);
        assertTrue(deep.out().contains("lstm x2 p=0.3") && deep.out().contains("truncated:3")
                && deep.out().contains("all 15 cases passed"), deep.out());
        Cli.Result bi = Cli.run("gradcheck", "--layers", "2", "--bidirectional", "--steps", "5", "--hidden", "3");
        assertEquals(0, bi.exit(), bi::toString);
        assertTrue(bi.out().contains("gru x2 bi") && bi.out().contains("all 9 cases passed")
                && bi.out().contains("not checked: truncated:3, randomized:0.5"), bi.out());
    }
}
