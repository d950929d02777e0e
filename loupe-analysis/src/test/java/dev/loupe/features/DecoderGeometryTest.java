// Decoder geometry on hand-made bases: neighbours exclude the feature itself and are ordered by
// cosine; a larger dictionary whose features split each small feature e_i into two children
// e_i +- 0.5 e_(4+i) maps every small feature to exactly its two children with cosine 1/sqrt(1.25),
// and the map written into a store comes back as the feature's matches in the larger dictionary.
package dev.loupe.features;

import dev.loupe.dictionary.LinearDictionary;
import dev.loupe.store.AnalysisWriter;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.FeatureStats;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.ModelInfo;
import dev.loupe.store.Neighbour;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

class DecoderGeometryTest {
    static final int D = 8;

    static LinearDictionary basis(float[][] rows) {
        float[] w = new float[rows.length * D];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, w, i * D, D);
        return new LinearDictionary("test", D, rows.length, w, w, new float[D], true, 0);
    }

    static LinearDictionary small() {
        float[][] r = new float[4][D];
        for (int i = 0; i < 4; i++) r[i][i] = 1;
        return basis(r);
    }

    static LinearDictionary large() {
        float[][] r = new float[8][D];
        float s = (float) (1 / Math.sqrt(1.25));
        for (int i = 0; i < 4; i++) {
            r[2 * i][i] = s; r[2 * i][4 + i] = 0.5f * s;
            r[2 * i + 1][i] = s; r[2 * i + 1][4 + i] = -0.5f * s;
        }
        return basis(r);
    }

    @Test
    void neighboursExcludeSelfAndSortByCosine() {
        var m = DecoderGeometry.neighbours(large(), 3);
        assertEquals(3, m.n());
        for (int f = 0; f < 8; f++) {
            assertNotEquals(f, m.feature(f, 0));
            assertEquals(f ^ 1, m.feature(f, 0), "the sibling is nearest");
            assertEquals((1 - 0.25) / 1.25, m.cosine(f, 0), 1e-6);
            assertEquals(0, m.cosine(f, 1), 1e-6);
        }
    }

    @Test
    void splittingMapFindsBothChildrenAndIsStored(@TempDir Path dir) {
        var m = DecoderGeometry.splitting(small(), large(), 2);
        for (int f = 0; f < 4; f++) {
            assertEquals(Set.of(2 * f, 2 * f + 1), Set.of(m.feature(f, 0), m.feature(f, 1)));
            assertEquals(1 / Math.sqrt(1.25), m.cosine(f, 0), 1e-6);
        }
        try (FeatureStore s = FeatureStore.open(dir.resolve("g.db"))) {
            long model = s.putModel(ModelInfo.of("m", null, null));
            long a = s.putDictionary(DictionaryInfo.of("small", model, "h", "test", D, 4));
            long b = s.putDictionary(DictionaryInfo.of("large", model, "h", "test", D, 8));
            try (AnalysisWriter w = s.beginAnalysis(a, "{}")) {
                for (int f = 0; f < 4; f++) w.feature(new FeatureStats(f, 0, 1, 0, 0));
                DecoderGeometry.writeSplitting(w, small(), large(), b, 2);
                w.commit();
            }
            List<Neighbour> out = s.feature(a, 3).orElseThrow().matchesOut();
            assertEquals(Set.of(6, 7), out.stream().map(Neighbour::feature).collect(Collectors.toSet()));
            assertTrue(out.stream().allMatch(n -> n.dictionaryId() == b));
        }
    }
}
