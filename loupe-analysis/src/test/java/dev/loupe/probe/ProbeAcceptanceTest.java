// Acceptance of sparse probing on the planted synthetic setting, through the dataset path
// (ProbeDatasets -> ProbeActivations -> ProbeSweep): the k = 1 probe finds the planted
// monosemantic neuron; the superposed concept needs k = 2 neurons, but one feature of an SAE
// trained (here, quickly) on the same activations; and the same result through ProbeRun with the
// SAE as a SAELens folder, stored in a feature store.
package dev.loupe.probe;

import dev.loupe.sae.Sae;
import dev.loupe.sae.io.SaeLensFormat;
import dev.loupe.sae.train.ActivationSource;
import dev.loupe.sae.train.SaeTrainer;
import dev.loupe.sae.train.TrainSaeConfig;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.ProbeResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ProbeAcceptanceTest {
    @TempDir Path dir;
    static final int DOCS = 300;
    static final long SEED = 11;
    static final ProbeSweep.Config SWEEP = new ProbeSweep.Config(List.of(ProbeSweep.Selection.OPTIMAL, ProbeSweep.Selection.F_STAT),
            new int[] {1, 2, 3}, 1e-3, 0.25, 0, 16);

    private static ProbeActivations.Rows rows(String concept) {
        return ProbeActivations.collect(ProbeDatasets.synthetic(concept, DOCS, SEED), null, null, null, 1_000_000).neurons();
    }

    private static ProbeSweep.Row row(List<ProbeSweep.Row> rows, ProbeSweep.Selection m, int k) {
        return rows.stream().filter(r -> r.method() == m && r.k() == k).findFirst().orElseThrow();
    }

    @Test
    void kOneFindsThePlantedMonosemanticNeuron() {
        SyntheticProbing.Setting planted = SyntheticProbing.generate(SEED, DOCS, ProbeDatasets.SYNTHETIC_TOKENS, ProbeDatasets.SYNTHETIC_NEURONS);
        List<ProbeSweep.Row> rows = ProbeSweep.sweep(rows("synthetic-monosemantic").binary(1), SWEEP);
        ProbeSweep.Row k1 = row(rows, ProbeSweep.Selection.OPTIMAL, 1);
        assertArrayEquals(new int[] {planted.plantedNeuron()}, k1.units());
        assertTrue(k1.test().f1() > 0.95, "k=1 F1 " + k1.test().f1());
    }

    @Test
    void superposedConceptNeedsTwoNeuronsButOneSaeFeature() {
        SyntheticProbing.Setting planted = SyntheticProbing.generate(SEED, DOCS, ProbeDatasets.SYNTHETIC_TOKENS, ProbeDatasets.SYNTHETIC_NEURONS);
        ProbeActivations.Rows neurons = rows("synthetic-superposed");
        List<ProbeSweep.Row> nr = ProbeSweep.sweep(neurons.binary(1), SWEEP);
        double neuronK1 = Math.max(row(nr, ProbeSweep.Selection.OPTIMAL, 1).test().f1(), row(nr, ProbeSweep.Selection.F_STAT, 1).test().f1());
        ProbeSweep.Row neuronK2 = row(nr, ProbeSweep.Selection.OPTIMAL, 2);
        assertArrayEquals(planted.superposedNeurons(), neuronK2.units());
        assertTrue(neuronK1 < 0.8, "one neuron should not separate the superposed concept: F1 " + neuronK1);
        assertTrue(neuronK2.test().f1() > 0.88, "two neurons should: F1 " + neuronK2.test().f1());

        Sae sae = trainSae(neurons);
        ProbeActivations.Rows features = ProbeRun.encode(sae, neurons);
        List<ProbeSweep.Row> fr = ProbeSweep.sweep(features.binary(1), SWEEP);
        ProbeSweep.Row featureK1 = row(fr, ProbeSweep.Selection.OPTIMAL, 1);
        assertTrue(featureK1.test().f1() > 0.88, "one SAE feature should carry the concept: F1 " + featureK1.test().f1());
        assertTrue(featureK1.test().f1() > neuronK1 + 0.15, "feature k=1 " + featureK1.test().f1() + " vs neuron k=1 " + neuronK1);
        // that feature's decoder direction is the superposed pair's: most of its norm on the two planted neurons
        float[] direction = sae.direction(featureK1.units()[0]);
        double pair = 0, all = 0;
        for (int j = 0; j < direction.length; j++) {
            double sq = direction[j] * direction[j];
            all += sq;
            if (j == planted.superposedNeurons()[0] || j == planted.superposedNeurons()[1]) pair += sq;
        }
        assertTrue(pair / all > 0.7, "feature direction on the planted pair: " + pair / all);

        // the same through `loupe probe`'s pipeline: dataset file, SAELens folder, store
        Path data = dir.resolve("superposed.jsonl"), saeDir = dir.resolve("sae"), db = dir.resolve("loupe.db");
        ProbeDatasets.synthetic("synthetic-superposed", DOCS, SEED).write(data);
        SaeLensFormat.write(sae, saeDir, null);
        ProbeRun.Report report = ProbeRun.run(new ProbeRun.Config(data, null, null, saeDir.toString(), SWEEP.methods(), SWEEP.ks(), null,
                1_000_000, SWEEP.testFraction(), SWEEP.seed(), null, db), new PrintWriter(new StringWriter()));
        ProbeRun.UnitResults viaRun = report.classes().getFirst().results().get(1);
        assertEquals("features", viaRun.kind());
        assertEquals(featureK1.test().f1(), row(viaRun.rows(), ProbeSweep.Selection.OPTIMAL, 1).test().f1(), 1e-6);
        try (FeatureStore store = FeatureStore.open(db)) {
            List<ProbeResult> stored = store.probeResults("synthetic-superposed");
            ProbeResult hit = stored.stream().filter(p -> p.unitKind() == ProbeResult.UnitKind.FEATURE && p.k() == 1 && p.method().equals("optimal")).findFirst().orElseThrow();
            assertArrayEquals(featureK1.units(), hit.units());
            assertEquals(saeDir.toAbsolutePath().toString(), store.dictionary(hit.dictionaryId()).path());
        }
    }

    /** A standard (L1) SAE, 2x wide, trained for a few thousand small steps on the rows, cycled. */
    static Sae trainSae(ProbeActivations.Rows rows) {
        TrainSaeConfig cfg = TrainSaeConfig.defaults("standard", rows.units(), 2 * rows.units())
                .with("totalSteps", 3000).with("batchSize", 128).with("lr", 3e-3).with("sparsityCoefficient", 0.3)
                .with("geometricMedianSamples", 1024).with("logEvery", 0).with("seed", 1);
        return SaeTrainer.train(cfg, cycling(rows.x(), rows.units()), SaeTrainer.Options.quiet()).finalSae();
    }

    /** The rows in order, again and again. */
    static ActivationSource cycling(float[] x, int d) {
        int n = x.length / d;
        return new ActivationSource() {
            long pos;
            public int dIn() { return d; }
            public int next(float[] out, int rows) {
                for (int r = 0; r < rows; r++, pos++) System.arraycopy(x, (int) (pos % n) * d, out, r * d, d);
                return rows;
            }
            public long position() { return pos; }
            public void seek(long position) { pos = position; }
        };
    }
}
