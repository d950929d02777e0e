package dev.loupe.sae.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.sae.Param;
import dev.loupe.sae.JumpReluSae;
import dev.loupe.sae.Sae;
import dev.loupe.synthetic.SyntheticConfig;
import dev.loupe.synthetic.SyntheticData;
import dev.loupe.util.ConfigException;
import dev.loupe.util.LoupeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SaeTrainerTest {
    static final SyntheticData DATA = new SyntheticData(SyntheticConfig.of(24, 16, 3, 5));

    static TrainSaeConfig small(String arch, Path dir) {
        return TrainSaeConfig.defaults(arch, 16, 32)
                .with("k", arch.contains("topk") ? 4 : 0)
                .with("sparsityCoefficient", arch.equals("jumprelu") ? 0.01 : 0.3)
                .with("lr", 3e-3).with("batchSize", 32).with("totalSteps", 30)
                .with("lrWarmupSteps", 5).with("lrDecay", "cosine").with("sparsityWarmupSteps", 7)
                .with("normalizeActivations", "expected_average_only_in").with("normSampleBatches", 2)
                .with("geometricMedianSamples", 64).with("deadFeatureWindow", 64)
                .with("resampleEvery", arch.equals("standard") || arch.equals("gated") ? 4 : 0)
                .with("jumpreluBandwidth", 0.05).with("jumpreluInitThreshold", 0.05)
                .with("seed", 3).with("checkpointDir", dir.toString()).with("checkpointEvery", 10).with("logEvery", 0);
    }

    static void assertBitIdentical(Sae a, Sae b) {
        for (Param p : a.params()) {
            float[] x = p.data(), y = b.param(p.name()).data();
            for (int i = 0; i < x.length; i++)
                assertEquals(Float.floatToRawIntBits(x[i]), Float.floatToRawIntBits(y[i]), p.name() + "[" + i + "] differs after resume");
        }
        for (var e : a.buffers().entrySet()) assertArrayEquals(e.getValue(), b.buffers().get(e.getKey()), e.getKey());
    }

    @ParameterizedTest
    @ValueSource(strings = {"standard", "topk", "batchtopk", "jumprelu", "gated"})
    void stoppedAndResumedRunIsBitIdentical(String arch, @TempDir Path tmp) {
        TrainRun full = SaeTrainer.train(small(arch, tmp.resolve("a")), DATA.source(), SaeTrainer.Options.quiet());
        for (long stopAt : new long[]{20, 15}) {   // resume from the checkpoint at the stop, and from an older one
            Path dir = tmp.resolve("b" + stopAt);
            TrainRun part = SaeTrainer.train(small(arch, dir), DATA.source(), new SaeTrainer.Options(null, stopAt, true));
            assertEquals(stopAt, part.step());
            TrainRun resumed = SaeTrainer.train(small(arch, dir), DATA.source(), SaeTrainer.Options.quiet());
            assertEquals(30, resumed.step());
            assertBitIdentical(full.sae(), resumed.sae());
            assertArrayEquals(full.sinceFired, resumed.sinceFired);
            assertEquals(full.rng.state(), resumed.rng.state());
        }
    }

    @Test
    void resumeWithChangedConfigIsRefused(@TempDir Path tmp) {
        SaeTrainer.train(small("standard", tmp), DATA.source(), new SaeTrainer.Options(null, 10, true));
        var e = assertThrows(ConfigException.class, () ->
                SaeTrainer.train(small("standard", tmp).with("lr", 1e-2), DATA.source(), SaeTrainer.Options.quiet()));
        assertTrue(e.getMessage().contains("'lr'"), e.getMessage());
    }

    @Test
    void jumpReluThresholdsMoveDuringTraining(@TempDir Path tmp) {
        TrainSaeConfig cfg = small("jumprelu", tmp).with("checkpointEvery", 0).with("totalSteps", 40).with("resampleEvery", 0);
        TrainRun run = new TrainRun(cfg);
        float[] before = ((JumpReluSae) run.sae()).threshold();
        run = SaeTrainer.train(cfg, DATA.source(), SaeTrainer.Options.quiet());
        float[] after = ((JumpReluSae) run.sae()).threshold();
        int moved = 0;
        for (int i = 0; i < after.length; i++) if (after[i] != before[i]) moved++;
        assertTrue(moved > after.length / 2, "only " + moved + " of " + after.length + " thresholds moved");
    }

    @Test
    void severalRunsFromOneStreamMatchSeparateRuns(@TempDir Path tmp) {
        TrainSaeConfig a = small("standard", tmp).with("checkpointEvery", 0).with("name", "a");
        TrainSaeConfig b = small("topk", tmp).with("checkpointEvery", 0).with("name", "b").with("dSae", 48);
        List<TrainRun> both = SaeTrainer.train(List.of(a, b), DATA.source(), SaeTrainer.Options.quiet());
        assertBitIdentical(SaeTrainer.train(a, DATA.source(), SaeTrainer.Options.quiet()).sae(), both.get(0).sae());
        assertBitIdentical(SaeTrainer.train(b, DATA.source(), SaeTrainer.Options.quiet()).sae(), both.get(1).sae());
    }

    @Test
    void nanStopsWithClearErrorAndKeepsLastGoodCheckpoint(@TempDir Path tmp) {
        int d = 16, n = 8;
        float[] rows = DATA.rows(0, n * 6, null);
        rows[n * 4 * d + 3] = Float.NaN;   // first row of the 5th batch
        TrainSaeConfig cfg = small("standard", tmp).with("batchSize", n).with("checkpointEvery", 1)
                .with("normalizeActivations", "none").with("geometricMedianSamples", 0).with("resampleEvery", 0);
        var e = assertThrows(LoupeException.class, () -> SaeTrainer.train(cfg, new ArraySource(rows, d), SaeTrainer.Options.quiet()));
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("step 4"), e.getMessage());
        TrainRun restored = new TrainRun(cfg);
        Checkpoints.load(restored);
        assertEquals(4, restored.step());
        for (Param p : restored.sae().params()) for (float v : p.data()) assertTrue(Float.isFinite(v));
    }

    @Test
    void resamplingPointsDeadFeaturesAtInputs(@TempDir Path tmp) {
        int n = 32, d = 16;
        TrainSaeConfig cfg = small("standard", tmp).with("checkpointEvery", 0).with("lrWarmupSteps", 0)
                .with("totalSteps", 3).with("resampleEvery", 3).with("deadFeatureWindow", 1);
        TrainRun run = new TrainRun(cfg);
        java.util.Arrays.fill(run.sae().param("b_enc").data(), -100f);   // every feature silent: all die
        for (int t = 0; t < 3; t++) run.train(DATA.rows((long) t * n, n, null), n);
        float[] batch3 = DATA.rows(2L * n, n, null);   // resampling draws from the step-3 batch
        int matched = 0;
        for (int i = 0; i < 32; i++) {
            float[] w = run.sae().direction(i);
            for (int b = 0; b < n; b++) {
                double dot = 0, nx = 0;
                for (int j = 0; j < d; j++) { dot += w[j] * batch3[b * d + j]; nx += batch3[b * d + j] * batch3[b * d + j]; }
                if (nx > 0 && dot / Math.sqrt(nx) > 0.99999) { matched++; break; }
            }
        }
        assertTrue(matched >= 16, "only " + matched + " decoder rows were resampled to inputs of the last batch");
    }

    @Test
    void progressLinesReportLossL0FvuDead(@TempDir Path tmp) {
        var buf = new ByteArrayOutputStream();
        SaeTrainer.train(small("topk", tmp).with("checkpointEvery", 0).with("logEvery", 10), DATA.source(),
                SaeTrainer.Options.to(new PrintStream(buf, true)));
        String[] lines = buf.toString().strip().split("\n");
        assertEquals(3, lines.length);
        assertTrue(lines[2].matches("\\[sae] step 30/30 loss \\S+ mse \\S+ L0 \\S+ FVU \\S+ dead \\S+% lr \\S+"), lines[2]);
    }

    @Test
    void scheduleValuesByHand() {
        TrainSaeConfig c = TrainSaeConfig.defaults("standard", 4, 8).with("lr", 1.0).with("lrWarmupSteps", 10)
                .with("totalSteps", 111).with("lrDecay", "linear").with("lrEndFactor", 0.0).with("sparsityWarmupSteps", 4).with("sparsityCoefficient", 2.0);
        assertEquals(0.1, c.lrAt(0), 1e-12);
        assertEquals(1.0, c.lrAt(9), 1e-12);
        assertEquals(1.0, c.lrAt(10), 1e-12);
        assertEquals(0.5, c.lrAt(60), 1e-12);
        assertEquals(0.0, c.lrAt(110), 1e-12);
        assertEquals(0.5, c.sparsityAt(0), 1e-12);
        assertEquals(2.0, c.sparsityAt(3), 1e-12);
        TrainSaeConfig cos = c.with("lrDecay", "cosine").with("lrEndFactor", 0.1);
        assertEquals(0.1 + 0.9 * 0.5, cos.lrAt(60), 1e-12);   // halfway: (1 + cos(π/2)) / 2 = 0.5
        assertEquals(1.0, c.with("lrDecay", "constant").lrAt(100), 1e-12);
    }

    @Test
    void configErrorsNameTheKey() throws Exception {
        var json = new ObjectMapper();
        assertTrue(assertThrows(ConfigException.class, () -> TrainSaeConfig.defaults("standard", 4, 8).with("lr", -1.0))
                .getMessage().contains("lr must be"));
        assertTrue(assertThrows(ConfigException.class, () -> TrainSaeConfig.fromJson(json.readTree("{\"architecture\":\"standard\",\"dIn\":4,\"dSae\":8,\"lrr\":1}")))
                .getMessage().contains("'lrr'"));
        assertTrue(assertThrows(ConfigException.class, () -> TrainSaeConfig.fromJson(json.readTree("{\"architecture\":\"topk\",\"dIn\":4,\"dSae\":8,\"resampleEvery\":5}")))
                .getMessage().contains("AuxK"));
        assertTrue(assertThrows(ConfigException.class, () -> TrainSaeConfig.fromJson(json.readTree("{\"architecture\":\"mystery\",\"dIn\":4,\"dSae\":8}")))
                .getMessage().contains("mystery"));
        assertTrue(assertThrows(ConfigException.class, () -> TrainSaeConfig.fromJson(json.readTree("{\"dIn\":4,\"dSae\":8}")))
                .getMessage().contains("'architecture'"));
        assertTrue(assertThrows(ConfigException.class, () -> TrainSaeConfig.defaults("standard", 4, 8).with("checkpointEvery", 5))
                .getMessage().contains("checkpointDir"));
        TrainSaeConfig ok = TrainSaeConfig.fromJson(json.readTree("{\"architecture\":\"topk\",\"dIn\":4,\"dSae\":8,\"k\":2,\"lr\":0.01}"));
        assertEquals(2, ok.k());
        assertEquals(0.01, ok.lr());
    }

    @Test
    void sweepCrossesAlphaAndRatio() {
        List<TrainSaeConfig> s = TrainSaeConfig.defaults("standard", 8, 8).with("name", "run").sweep(List.of(0.1, 0.2), List.of(1, 4));
        assertEquals(4, s.size());
        assertEquals(32, s.get(3).dSae());
        assertEquals(0.2, s.get(3).sparsityCoefficient());
        assertEquals("run_a0.1_r1", s.get(0).name());
    }

    @Test
    void geometricMedianIgnoresOutliers() {
        float[] line = {0, 1, 2, 3, 100};
        assertEquals(2.0, GeometricMedian.of(line, 5, 1, 500, 1e-9)[0], 1e-3);
        float[] square = {0, 0, 2, 0, 0, 2, 2, 2};
        float[] m = GeometricMedian.of(square, 4, 2, 100, 1e-9);
        assertEquals(1.0, m[0], 1e-5);
        assertEquals(1.0, m[1], 1e-5);
    }
}
