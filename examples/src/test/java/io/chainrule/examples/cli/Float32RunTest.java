package io.chainrule.examples.cli;

import io.chainrule.core.DType;
import io.chainrule.core.Tensor;
import io.chainrule.core.io.Safetensors;
import io.chainrule.core.io.SafetensorsFile;
import io.chainrule.examples.io.FlatJson;
import io.chainrule.examples.train.RunFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --dtype float32}: the model is built, trained and saved in float32 (config.json says so,
 * model.safetensors and Adam's moments are F32, its step counts F64), a float32 run resumes bitwise
 * like an uninterrupted one, and it is never resumed as float64 (nor a float64 file as float32).
 */
class Float32RunTest {

    private static String[] train(Path out, long iterations, String... more) {
        String[] a = {"train", "--dtype", "float32", "--task", "brackets", "--cell", "lstm", "--hidden", "6", "--batch", "4",
            "--steps", "20", "--iterations", Long.toString(iterations), "--save-every", "3", "--seed", "5", "--out", out.toString()};
        return TrainOutputsTest.concat(a, more);
    }

    @Test
    void aFloat32RunSavesF32AndResumesBitwise(@TempDir Path dir) throws IOException {
        Path whole = dir.resolve("whole");
        Cli.Result a = Cli.run(train(whole, 6));
        assertEquals(0, a.exit(), a::toString);
        assertEquals("float32", FlatJson.read(whole.resolve(RunFiles.CONFIG)).get("dtype"));
        SafetensorsFile model = Safetensors.load(whole.resolve(RunFiles.MODEL));
        model.tensors().keySet().forEach(k -> assertEquals("F32", model.dtype(k), k));
        SafetensorsFile opt = Safetensors.load(whole.resolve("optimizer-6.safetensors"));
        opt.tensors().keySet().forEach(k -> assertEquals(k.startsWith("adam.step") ? "F64" : "F32", opt.dtype(k), k));
        assertTrue(opt.tensors().containsKey("carry.1"), "the LSTM's carried state (brackets streams)");

        Path split = dir.resolve("split");
        assertEquals(0, Cli.run(train(split, 3)).exit());
        Cli.Result resumed = Cli.run("train", "--resume", "--dtype", "float32", "--iterations", "6", "--out", split.toString());
        assertEquals(0, resumed.exit(), resumed::toString);
        assertArrayEquals(Files.readAllBytes(whole.resolve(RunFiles.MODEL)), Files.readAllBytes(split.resolve(RunFiles.MODEL)),
                "the resumed float32 run's model.safetensors is the uninterrupted run's, byte for byte");
        ResumeTest.assertSameTensors(whole.resolve("optimizer-6.safetensors"), split.resolve("optimizer-6.safetensors"));
    }

    @Test
    void aFloat32RunIsNotResumedAsFloat64NorFromFloat64Files(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        assertEquals(0, Cli.run(train(run, 3)).exit());

        Cli.Result asDouble = Cli.run("train", "--resume", "--dtype", "float64", "--iterations", "6", "--out", run.toString());
        assertEquals(2, asDouble.exit(), asDouble::toString);
        assertTrue(asDouble.err().contains("--dtype float64: the run in " + run + " is float32 (")
                && asDouble.err().contains("a float32 run cannot be resumed as float64"), asDouble::toString);

        // the model file rewritten in float64 (as a float64 run would have saved it)
        Path file = run.resolve(RunFiles.MODEL);
        SafetensorsFile saved = Safetensors.load(file);
        Map<String, Tensor> wide = new LinkedHashMap<>();
        saved.tensors().forEach((k, t) -> wide.put(k, t.cast(DType.FLOAT64)));
        Safetensors.save(file, wide, saved.metadata());
        Cli.Result fromDouble = Cli.run("train", "--resume", "--iterations", "6", "--out", run.toString());
        assertEquals(1, fromDouble.exit(), fromDouble::toString);
        assertTrue(fromDouble.err().contains(file + ": tensor 'cell.bias_hh_l0' is F64 (float64) but the run is float32 "
                + "(config.json 'dtype'); a float64 checkpoint cannot be resumed as float32"), fromDouble::toString);
    }

    @Test
    void compareTrainsEveryStrategyInFloat32(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("cmp");
        Cli.Result r = Cli.run("compare", "--dtype", "float32", "--strategies", "full,checkpoint:sqrt", "--cell", "gru",
                "--hidden", "5", "--batch", "3", "--steps", "16", "--iterations", "3", "--out", out.toString());
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("checkpoint:sqrt trained bitwise like full"), r::toString);
        for (String run : new String[] {"full", "checkpoint-sqrt"}) {
            assertEquals("float32", FlatJson.read(out.resolve(run).resolve(RunFiles.CONFIG)).get("dtype"), run);
            SafetensorsFile model = Safetensors.load(out.resolve(run).resolve(RunFiles.MODEL));
            model.tensors().keySet().forEach(k -> assertEquals("F32", model.dtype(k), run + ": " + k));
        }
    }
}
