package dev.loupe.activations;

import dev.loupe.corpus.TokenWindows;
import dev.loupe.io.DType;
import dev.loupe.io.SafeTensors;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.tensor.Tensor;
import dev.loupe.testutil.Shared;
import dev.loupe.util.ConfigException;
import dev.loupe.util.Rng;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Harvesting on the gpt2-tiny fixture (2 layers, d_model 64, vocab 256, BOS = EOS = 255), with hand-made windows. */
class HarvesterTest {
    static final int BOS = 255, CTX = 8;
    static final String HOOK = "blocks.0.hook_resid_post";
    static Transformer model;

    @BeforeAll static void load() { model = ModelLoader.load(Shared.path("fixtures/models/gpt2-tiny")); }

    /** n windows of BOS + CTX−1 seeded random ids in [0, 255); window 2 also holds a BOS inside. */
    static List<TokenWindows.Window> windows(int n, long seed) {
        Rng r = new Rng(seed);
        List<TokenWindows.Window> out = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            int[] t = new int[CTX];
            t[0] = BOS;
            for (int i = 1; i < CTX; i++) t[i] = r.nextInt(BOS);
            if (w == 2) t[5] = BOS;
            out.add(new TokenWindows.Window(t, w / 2, (w % 2) * (CTX - 1)));
        }
        return out;
    }

    /** Values of HOOK at every position from one runWithCache per window: [window][pos][d]. */
    static float[][][] reference(List<TokenWindows.Window> ws) {
        float[][][] out = new float[ws.size()][CTX][];
        for (int w = 0; w < ws.size(); w++) {
            float[] x = model.runWithCache(new int[][]{ws.get(w).tokens()}, List.of(HOOK)).get(HOOK).data();
            for (int p = 0; p < CTX; p++) out[w][p] = java.util.Arrays.copyOfRange(x, p * 64, (p + 1) * 64);
        }
        return out;
    }

    @Test
    void rowsAreRunWithCacheValuesWithoutSpecialPositions() {
        var ws = windows(5, 1);
        float[][][] ref = reference(ws);
        HarvestOptions opts = HarvestOptions.defaults().withBatchSize(2).withSpecialIds(BOS);
        float[] rows = Harvester.collect(model, HOOK, TokenWindows.tokens(ws), opts);
        // every window loses its BOS at 0; window 2 also the BOS at 5
        assertEquals((5 * CTX - 6) * 64, rows.length);
        int r = 0;
        for (int w = 0; w < 5; w++)
            for (int p = 0; p < CTX; p++) {
                if (p == 0 || w == 2 && p == 5) continue;
                for (int j = 0; j < 64; j++) assertEquals(ref[w][p][j], rows[r * 64 + j], 1e-5f, "window " + w + " pos " + p);
                r++;
            }
        // special ids unknown: position 0 only; excludeSpecial off: everything
        assertEquals((5 * CTX - 5) * 64, Harvester.collect(model, HOOK, TokenWindows.tokens(ws), HarvestOptions.defaults()).length);
        var all = new HarvestOptions(3, false, 0, DType.F32, 100);
        float[] every = Harvester.collect(model, HOOK, TokenWindows.tokens(ws), all);
        assertEquals(5 * CTX * 64, every.length);
        assertEquals(ref[2][5][7], every[(2 * CTX + 5) * 64 + 7], 1e-5f);
    }

    @Test
    void outlierFilterDropsPositionsAboveKTimesTheBatchMedianNorm() {
        var ws = windows(4, 2);
        float[][][] ref = reference(ws);
        // one forward batch of all 4 windows; the 4 + 1 BOS positions excluded, so 27 kept: the median is the 14th norm
        List<int[]> kept = new ArrayList<>();
        List<Double> norms = new ArrayList<>();
        for (int w = 0; w < 4; w++)
            for (int p = 1; p < CTX; p++)
                if (!(w == 2 && p == 5)) { kept.add(new int[]{w, p}); norms.add(norm(ref[w][p])); }
        List<Double> sorted = new ArrayList<>(norms);
        sorted.sort(null);
        double median = sorted.get(13);
        // a k between the two largest norms' ratios to the median drops exactly the largest
        double k = (sorted.get(25) + sorted.get(26)) / 2 / median;
        var opts = HarvestOptions.defaults().withBatchSize(4).withSpecialIds(BOS).withOutlierFactor(k);
        float[] rows = Harvester.collect(model, HOOK, TokenWindows.tokens(ws), opts);
        assertEquals(26 * 64, rows.length);
        int dropped = norms.indexOf(sorted.get(26));
        int r = 0;
        for (int i = 0; i < kept.size(); i++) {
            if (i == dropped) continue;
            int w = kept.get(i)[0], p = kept.get(i)[1];
            assertEquals(ref[w][p][0], rows[r * 64], 1e-5f);
            r++;
        }
        assertThrows(ConfigException.class, () -> HarvestOptions.defaults().withOutlierFactor(-1));
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) s += x * x;
        return Math.sqrt(s);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16"})
    void shardsRoundTripInEachDtype(DType dtype, @TempDir Path dir) {
        var ws = windows(7, 3);
        // 3 windows (24 positions) per shard: shards of 3, 3, 1 windows
        var opts = HarvestOptions.defaults().withBatchSize(2).withSpecialIds(BOS).withDtype(dtype).withRowsPerShard(3 * CTX + 5);
        float[] expected = Harvester.collect(model, HOOK, TokenWindows.tokens(ws), opts);
        var sum = Harvester.harvest(model, List.of(HOOK), ws.iterator(), 7L * CTX, opts, dir, null);
        assertEquals(3, sum.shards());
        assertEquals(7, sum.windows());
        assertEquals(7 * CTX - 8, sum.rows().get(HOOK));
        float[] got = ShardSource.readAll(dir, HOOK);
        assertEquals(expected.length, got.length);
        // f16 keeps 11 significant bits, bf16 8 (round to nearest: half an ulp)
        double rel = dtype == DType.F32 ? 0 : dtype == DType.F16 ? 0x1p-11 : 0x1p-8;
        for (int i = 0; i < got.length; i++)
            assertEquals(expected[i], got[i], Math.abs(expected[i]) * rel + 1e-7, "element " + i);
        try (SafeTensors st = SafeTensors.open(HarvestManifest.shardFile(dir, HOOK, 1))) {
            assertEquals(dtype, st.entry("activations").dtype());
            // shard 1 = windows 3..5, BOS dropped: 7 rows each
            long[] tokens = st.longs("tokens"), window = st.longs("window"), pos = st.longs("position"), doc = st.longs("document");
            assertEquals(21, tokens.length);
            assertEquals(3, window[0]);
            assertEquals(1, pos[0]);
            assertEquals(ws.get(3).tokens()[1], tokens[0]);
            assertEquals(1, doc[0]);           // window 3 is document 3/2
            assertEquals(5, window[20]);
            assertEquals(CTX - 1, pos[20]);
            assertEquals(2, doc[20]);
        }
    }

    @Test
    void resumeAfterInterruptionGivesIdenticalShards(@TempDir Path tmp) throws Exception {
        var ws = windows(9, 4);
        var opts = HarvestOptions.defaults().withBatchSize(2).withSpecialIds(BOS).withRowsPerShard(2 * CTX).withOutlierFactor(3);
        List<String> hooks = List.of(HOOK, "blocks.1.mlp.hook_post");
        Path whole = tmp.resolve("whole"), cut = tmp.resolve("cut");
        var full = Harvester.harvest(model, hooks, ws.iterator(), 9L * CTX, opts, whole, null);
        assertEquals(5, full.shards());

        // the corpus "crashes" while reading window 5: shards 0 and 1 (windows 0..3) are complete
        assertThrows(IllegalStateException.class, () -> Harvester.harvest(model, hooks, failingAt(ws, 5), 9L * CTX, opts, cut, null));
        assertEquals(2, HarvestManifest.read(cut).shards().size());
        assertFalse(HarvestManifest.read(cut).complete());

        var resumed = Harvester.harvest(model, hooks, ws.iterator(), 9L * CTX, opts, cut, null);
        assertEquals(2, resumed.resumedFrom());
        assertEquals(5L * CTX, resumed.newTokens());
        for (String h : hooks)
            for (int i = 0; i < 5; i++)
                assertArrayEquals(Files.readAllBytes(HarvestManifest.shardFile(whole, h, i)), Files.readAllBytes(HarvestManifest.shardFile(cut, h, i)), h + " shard " + i);
        assertEquals(Files.readString(whole.resolve(HarvestManifest.FILE)), Files.readString(cut.resolve(HarvestManifest.FILE)));

        // finished: a no-op that touches nothing
        long before = Files.getLastModifiedTime(HarvestManifest.shardFile(cut, HOOK, 4)).toMillis();
        var again = Harvester.harvest(model, hooks, ws.iterator(), 9L * CTX, opts, cut, null);
        assertEquals(0, again.newTokens());
        assertEquals(before, Files.getLastModifiedTime(HarvestManifest.shardFile(cut, HOOK, 4)).toMillis());
        // different arguments or different windows on the same folder are refused
        assertThrows(ConfigException.class, () -> Harvester.harvest(model, hooks, ws.iterator(), 8L * CTX, opts, cut, null));
        var other = windows(9, 5);
        Path part = tmp.resolve("part");
        assertThrows(IllegalStateException.class, () -> Harvester.harvest(model, hooks, failingAt(ws, 5), 9L * CTX, opts, part, null));
        assertThrows(ConfigException.class, () -> Harvester.harvest(model, hooks, other.iterator(), 9L * CTX, opts, part, null));
    }

    /** The windows, but reading window {@code at} throws, as a crash would stop the harvest there. */
    static Iterator<TokenWindows.Window> failingAt(List<TokenWindows.Window> ws, int at) {
        return new Iterator<>() {
            int i;
            public boolean hasNext() { return true; }
            public TokenWindows.Window next() {
                if (i == at) throw new IllegalStateException("simulated interruption");
                return ws.get(i++);
            }
        };
    }

    @Test
    void shuffleBufferGivesAPermutationPerEpochAndSeeksExactly(@TempDir Path dir) {
        var ws = windows(6, 6);
        var opts = HarvestOptions.defaults().withSpecialIds(BOS).withRowsPerShard(2 * CTX);
        Harvester.harvest(model, List.of(HOOK), ws.iterator(), 6L * CTX, opts, dir, null);
        float[] ordered = ShardSource.readAll(dir, HOOK);
        int n = ordered.length / 64;
        assertEquals(6 * (CTX - 1) - 1, n);   // window 2 holds a second BOS

        ShardSource s = ShardSource.open(dir, HOOK, 10, 42);
        assertEquals(n, s.rows());
        float[] epoch0 = new float[n * 64], epoch1 = new float[n * 64];
        s.next(epoch0, n);
        s.next(epoch1, n);
        assertEquals(2L * n, s.position());
        for (float[] e : List.of(epoch0, epoch1)) assertEquals(rowSet(ordered, n), rowSet(e, n));
        assertFalse(java.util.Arrays.equals(ordered, epoch0));
        assertFalse(java.util.Arrays.equals(epoch0, epoch1));

        // seeking to any row continues exactly as reading on
        for (long p : new long[]{0, 1, 17, n, n + 5}) {
            ShardSource t = ShardSource.open(dir, HOOK, 10, 42);
            t.seek(p);
            float[] rest = new float[(int) (2L * n - p) * 64];
            t.next(rest, rest.length / 64);
            float[] both = new float[2 * n * 64];
            System.arraycopy(epoch0, 0, both, 0, n * 64);
            System.arraycopy(epoch1, 0, both, n * 64, n * 64);
            assertArrayEquals(java.util.Arrays.copyOfRange(both, (int) p * 64, both.length), rest, "seek " + p);
        }
        assertThrows(ConfigException.class, () -> ShardSource.open(dir, "blocks.1.hook_resid_post", 10, 1));
    }

    static Set<List<Float>> rowSet(float[] x, int n) {
        Set<List<Float>> s = new java.util.HashSet<>();
        for (int r = 0; r < n; r++) {
            List<Float> row = new ArrayList<>();
            for (int j = 0; j < 64; j++) row.add(x[r * 64 + j]);
            assertTrue(s.add(row), "row " + r + " appears twice");
        }
        return s;
    }

    @Test
    void badHooksAreClearErrors(@TempDir Path dir) {
        var ws = windows(2, 7);
        var e = assertThrows(ConfigException.class, () -> Harvester.collect(model, "blocks.9.hook_resid_post", TokenWindows.tokens(ws), HarvestOptions.defaults()));
        assertTrue(e.getMessage().contains("blocks.9.hook_resid_post"));
        assertThrows(ConfigException.class, () -> Harvester.collect(model, "blocks.0.attn.hook_pattern", TokenWindows.tokens(ws), HarvestOptions.defaults()));
        assertThrows(ConfigException.class, () -> Harvester.harvest(model, List.of(HOOK, HOOK), ws.iterator(), 16, HarvestOptions.defaults(), dir, null));
    }

    @Test
    void collectTakesSequencesOfMixedLengthInOrder() {
        int[][] seqs = {{1, 2, 3}, {4, 5, 6}, {7, 8}, {9, 10, 11, 12}, {13, 14, 15, 16}};
        float[] rows = Harvester.collect(model, HOOK, seqs, HarvestOptions.everyPosition(2));
        assertEquals(16 * 64, rows.length, "every position of every sequence, in order");
        int at = 0;
        for (int[] s : seqs) {
            float[] one = model.runWithCache(new int[][]{s}, List.of(HOOK)).get(HOOK).data();
            assertArrayEquals(one, java.util.Arrays.copyOfRange(rows, at * 64, (at + s.length) * 64), 1e-5f);
            at += s.length;
        }
    }
}
