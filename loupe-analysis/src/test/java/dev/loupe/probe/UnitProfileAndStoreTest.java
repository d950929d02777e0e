// The unit profile on a hand-made case, and probe rows stored in and read back from the feature store.
package dev.loupe.probe;

import dev.loupe.store.FeatureStore;
import dev.loupe.store.ModelInfo;
import dev.loupe.store.ProbeResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class UnitProfileAndStoreTest {
    @TempDir Path dir;

    @Test
    void profileSplitsPositivesAndNegativesOverSharedBins() {
        // unit 0: negatives 0, 0, 1; positives 3, 4 -> bins of width 1 over [0, 4]
        ProbeData d = new ProbeData(new float[] {0, 0, 1, 3, 4}, 5, 1, new int[] {0, 0, 0, 1, 1}, new long[5]);
        UnitProfile p = UnitProfile.of(d, new int[] {0, 1, 2, 3, 4}, 0, 4);
        assertArrayEquals(new double[] {0, 1, 2, 3, 4}, p.edges(), 1e-12);
        assertArrayEquals(new long[] {2, 1, 0, 0}, p.negatives());
        assertArrayEquals(new long[] {0, 0, 0, 2}, p.positives());   // 4 falls in the last (closed) bin
        assertEquals(3.5, p.meanPositive(), 1e-12);
        assertEquals(1.0 / 3, p.meanNegative(), 1e-12);
        assertEquals(1.0, p.rocAuc(), 1e-12);
    }

    @Test
    void sweepRowsRoundTripThroughTheStore() {
        SyntheticProbing.Setting s = SyntheticProbing.generate(9, 60, 20, 12);
        List<ProbeSweep.Row> rows = ProbeSweep.sweep(s.monosemantic(),
                new ProbeSweep.Config(List.of(ProbeSweep.Selection.F_STAT), new int[] {1}, 1e-3, 0.3, 2, 8));
        ProbeSweep.Row k1 = rows.getFirst();
        try (FeatureStore store = FeatureStore.open(dir.resolve("loupe.db"))) {
            long model = store.putModel(ModelInfo.of("synthetic", null, null));
            store.addProbeResult(ProbeSweep.toStoreRecord(k1, "A", model, "blocks.0.mlp.hook_post", 0));
            List<ProbeResult> hits = store.probesForNeuron(model, "blocks.0.mlp.hook_post", s.plantedNeuron());
            assertEquals(1, hits.size());
            ProbeResult r = hits.getFirst();
            assertEquals("f_stat", r.method());
            assertEquals(ProbeResult.UnitKind.NEURON, r.unitKind());
            assertArrayEquals(new int[] {s.plantedNeuron()}, r.units());
            assertEquals(k1.test().f1(), r.metrics().get("f1"), 0);
            assertEquals(k1.test().prAuc(), r.metrics().get("pr_auc"), 0);
        }
    }
}
