package dev.loupe.io;

import dev.loupe.testutil.Shared;
import dev.loupe.util.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

class WeightStoreTest {
    private static final Path FIXTURE = Shared.path("fixtures/models/llama-tiny-bf16/model.safetensors");

    /** Splits the fixture into two shards (alternating tensors) plus an index, in HF's layout. */
    private static void shard(Path dir, Map<String, String> extraIndexEntries) throws IOException {
        List<String> names;
        var a = new SafeTensorsWriter().metadata("format", "pt");
        var b = new SafeTensorsWriter().metadata("format", "pt");
        StringBuilder wm = new StringBuilder();
        try (SafeTensors st = SafeTensors.open(FIXTURE)) {
            names = new ArrayList<>(new TreeMap<>(st.entries()).keySet());
            for (int i = 0; i < names.size(); i++) {
                String n = names.get(i);
                String shard = i % 2 == 0 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
                (i % 2 == 0 ? a : b).add(n, st.tensor(n), st.entry(n).dtype());
                wm.append(wm.isEmpty() ? "" : ",").append('"').append(n).append("\":\"").append(shard).append('"');
            }
        }
        extraIndexEntries.forEach((k, v) -> wm.append(",\"").append(k).append("\":\"").append(v).append('"'));
        a.write(dir.resolve("model-00001-of-00002.safetensors"));
        b.write(dir.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(dir.resolve(WeightStore.INDEX), "{\"metadata\":{\"total_size\":0},\"weight_map\":{" + wm + "}}");
    }

    @Test
    void shardedCheckpointMatchesUnsharded(@TempDir Path dir) throws IOException {
        shard(dir, Map.of());
        try (WeightStore whole = WeightStore.open(FIXTURE); WeightStore split = WeightStore.open(dir)) {
            assertTrue(split.sharded());
            assertFalse(whole.sharded());
            assertEquals(2, split.files().size());
            assertEquals(whole.names(), split.names());
            assertTrue(split.contains("model.embed_tokens.weight"));
            for (String n : whole.names()) {
                assertEquals(whole.entry(n).dtype(), split.entry(n).dtype(), n);
                assertArrayEquals(whole.entry(n).shape(), split.entry(n).shape(), n);
                assertArrayEquals(whole.tensor(n).data(), split.tensor(n).data(), n);
            }
        }
        // the index file itself also opens
        try (WeightStore viaIndex = WeightStore.open(dir.resolve(WeightStore.INDEX))) {
            assertEquals(2, viaIndex.files().size());
        }
    }

    @Test
    void directoryWithSingleFileAndEveryFixtureOpens() {
        for (String m : List.of("gpt2-tiny", "gpt2-tiny-fp16-legacy", "pythia-tiny-parallel", "neox-tiny-sequential",
                "llama-tiny-gqa", "llama-tiny-tied", "llama-tiny-bf16", "qwen2-tiny"))
            try (WeightStore ws = WeightStore.open(Shared.path("fixtures/models", m))) {
                assertFalse(ws.sharded(), m);
                assertTrue(ws.names().size() > 5, m);
            }
    }

    @Test
    void missingShard(@TempDir Path dir) throws IOException {
        shard(dir, Map.of("extra.weight", "model-00003-of-00003.safetensors"));
        var e = assertThrows(FormatException.class, () -> WeightStore.open(dir));
        assertTrue(e.getMessage().contains("model-00003-of-00003.safetensors") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void tensorListedButAbsentFromItsShard(@TempDir Path dir) throws IOException {
        shard(dir, Map.of("ghost.weight", "model-00001-of-00002.safetensors"));
        var e = assertThrows(FormatException.class, () -> WeightStore.open(dir));
        assertTrue(e.getMessage().contains("'ghost.weight'") && e.getMessage().contains("no such tensor"), e.getMessage());
    }

    @Test
    void duplicateTensorAcrossShards(@TempDir Path dir) throws IOException {
        shard(dir, Map.of());
        // rewrite shard 2 with a tensor that shard 1 already holds
        Path s1 = dir.resolve("model-00001-of-00002.safetensors");
        String dup;
        try (SafeTensors st = SafeTensors.open(s1)) { dup = st.entries().keySet().iterator().next(); }
        var w = new SafeTensorsWriter();
        try (SafeTensors one = SafeTensors.open(s1); SafeTensors two = SafeTensors.open(dir.resolve("model-00002-of-00002.safetensors"))) {
            for (String n : two.entries().keySet()) w.add(n, two.tensor(n));
            w.add(dup, one.tensor(dup));
        }
        w.write(dir.resolve("model-00002-of-00002.safetensors"));
        var e = assertThrows(FormatException.class, () -> WeightStore.open(dir));
        assertTrue(e.getMessage().contains("'" + dup + "'") && e.getMessage().contains("two shards"), e.getMessage());
    }

    @Test
    void badIndexAndBadPaths(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(WeightStore.INDEX), "{\"metadata\":{}}");
        var e = assertThrows(FormatException.class, () -> WeightStore.open(dir));
        assertTrue(e.getMessage().contains("weight_map"), e.getMessage());
        Files.writeString(dir.resolve(WeightStore.INDEX), "{\"weight_map\":{\"a\":\"../x.safetensors\"}}");
        e = assertThrows(FormatException.class, () -> WeightStore.open(dir));
        assertTrue(e.getMessage().contains("../x.safetensors"), e.getMessage());
        Files.writeString(dir.resolve(WeightStore.INDEX), "{\"weight_map\":");
        e = assertThrows(FormatException.class, () -> WeightStore.open(dir));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        e = assertThrows(FormatException.class, () -> WeightStore.open(empty));
        assertTrue(e.getMessage().contains("neither"), e.getMessage());
        assertThrows(FormatException.class, () -> WeightStore.open(dir.resolve("nope.safetensors")));
    }
}
