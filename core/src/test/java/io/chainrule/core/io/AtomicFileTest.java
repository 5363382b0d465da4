package io.chainrule.core.io;

import io.chainrule.core.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFileTest {

    @Test
    void aSaveThatFailsMidWriteLeavesThePreviousFileIntact(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("model.safetensors");
        Map<String, Tensor> before = Map.of("w", Tensor.randn(1L, 1.0, 16, 16));
        Safetensors.save(f, before, Map.of("iteration", "10"));
        byte[] saved = Files.readAllBytes(f);

        Map<String, Tensor> after = Map.of("w", Tensor.randn(2L, 1.0, 16, 16));
        for (long limit : new long[] {0, 1, 7, 8, 50, 200, 1000, saved.length - 1}) {
            IOException e = assertThrows(IOException.class,
                    () -> Safetensors.save(f, after, Map.of("iteration", "20"), FailingChannel.after(limit)));
            assertTrue(e.getMessage().contains("simulated failure"), e.getMessage());
            assertArrayEquals(saved, Files.readAllBytes(f), "after a failure at byte " + limit);
            assertEquals(List.of(f), Files.list(dir).toList(), "the temporary file is removed after a failure at byte " + limit);
        }
        SafetensorsTest.assertBitwiseEqual(before, Safetensors.load(f).tensors());

        Safetensors.save(f, after, Map.of("iteration", "20"));
        SafetensorsTest.assertBitwiseEqual(after, Safetensors.load(f).tensors());
    }

    @Test
    void createsMissingDirectoriesAndReplacesText(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("a/b/config.json");
        AtomicFile.writeString(f, "{\"x\": 1}");
        AtomicFile.writeString(f, "{\"x\": 2}");
        assertEquals("{\"x\": 2}", Files.readString(f));
        assertEquals(List.of(f), Files.list(f.getParent()).toList());
    }
}
