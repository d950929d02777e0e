// The stored ablation logit effect equals the engine's: on loupe-1l at blocks.0.mlp.hook_post (the
// last block, so the effect at the ablated position is exact), a feature = one MLP neuron above a
// threshold chosen so that it fires on fewer positions than the ablation reservoir holds (every
// firing token is sampled). The test ablates each firing position in a real forward pass
// (runWithHooks subtracting alpha * d at that position only) and compares the mean change of the
// next-token logits with the stored ABLATION table.
package dev.loupe.features;

import dev.loupe.corpus.TokenWindows;
import dev.loupe.model.Transformer;
import dev.loupe.sae.Sae;
import dev.loupe.store.AnalysisWriter;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.LogitEntry;
import dev.loupe.store.LogitTable;
import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class AblationEffectTest {
    static final String HOOK = "blocks.0.mlp.hook_post";
    static final int SEQ = 64, WINDOWS = 4, NEURON = 7, FIRING = FeatureBlock.ABLATION_SAMPLES;

    @TempDir Path dir;

    @Test
    void storedAblationEffectMatchesTheEnginesForwardPass() {
        Transformer model = Planted.model();
        int dMlp = model.config().dMlp(), V = model.config().vocab();
        List<TokenWindows.Window> ws = Planted.randomWindows(WINDOWS, SEQ, V, 21);
        int[][] ids = TokenWindows.tokens(ws);
        float[] post = model.runWithCache(ids, List.of(HOOK)).get(HOOK).data();      // [W*S, d_mlp]
        float[] col = new float[WINDOWS * SEQ];
        for (int r = 0; r < col.length; r++) col[r] = post[r * dMlp + NEURON];
        float[] sorted = col.clone();
        Arrays.sort(sorted);
        float threshold = sorted[col.length - FIRING - 1];                          // exactly FIRING values lie above
        assertTrue(threshold > 0 && sorted[col.length - FIRING] > threshold);
        Sae sae = Planted.sae(dMlp, new float[][] {Planted.unit(dMlp, NEURON)}, new float[] {threshold});

        // Expected: mean over firing positions of logits(ablated) - logits(clean) at that position.
        Tensor clean = model.forward(ids);
        double[] expected = new double[V];
        for (int r = 0; r < col.length; r++) {
            if (!(col[r] > threshold)) continue;
            int w = r / SEQ, pos = r % SEQ;
            float alpha = col[r] - threshold;                                         // the code: removing it stops the feature
            Tensor patched = model.runWithHooks(new int[][] {ids[w]}, Map.of(HOOK, (act, ctx) -> {
                float[] a = act.data().clone();
                a[pos * dMlp + NEURON] -= alpha;
                return new Tensor(a, act.shape());
            }));
            for (int t = 0; t < V; t++) expected[t] += (patched.data()[pos * V + t] - clean.data()[(w * SEQ + pos) * V + t]) / FIRING;
        }

        Path db = dir.resolve("a.db");
        AnalysisSummary sum;
        try (FeatureStore s = FeatureStore.open(db); AnalysisWriter out = Planted.begin(s, "neuron7", HOOK, dMlp, 1)) {
            sum = FeatureAnalyzer.analyze(model, Planted.tokenizer(), HOOK, sae, ws.iterator(), AnalysisOptions.defaults().withExamples(3, 2, 2, 2, 16), out, null);
            out.commit();
        }
        assertEquals("exact", sum.ablation());
        try (FeatureStore s = FeatureStore.openReadOnly(db)) {
            var f = s.feature(s.requireDictionary("neuron7").id(), 0).orElseThrow();
            assertEquals(FIRING, f.summary().fireCount());
            assertEquals(FIRING, f.stats().get("ablation_samples"), 0);
            LogitTable t = f.logits().stream().filter(l -> l.kind() == LogitTable.Kind.ABLATION).findFirst().orElseThrow();
            int argmax = 0, argmin = 0;
            double scale = 0;
            for (int v = 0; v < V; v++) {
                if (expected[v] > expected[argmax]) argmax = v;
                if (expected[v] < expected[argmin]) argmin = v;
                scale = Math.max(scale, Math.abs(expected[v]));
            }
            assertTrue(scale > 1e-3, "the ablation changes the logits");
            assertEquals(argmax, t.positive().getFirst().tokenId());
            assertEquals(argmin, t.negative().getFirst().tokenId());
            for (LogitEntry e : concat(t.positive(), t.negative()))
                assertEquals(expected[e.tokenId()], e.value(), 2e-3 * scale, "token " + e.tokenId());
        }
    }

    private static List<LogitEntry> concat(List<LogitEntry> a, List<LogitEntry> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
