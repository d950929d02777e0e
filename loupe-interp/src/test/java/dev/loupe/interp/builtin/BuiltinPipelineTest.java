package dev.loupe.interp.builtin;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.interp.ActivationRecord;
import dev.loupe.interp.AutoInterp;
import dev.loupe.interp.FeatureRecords;
import dev.loupe.interp.FeatureResult;
import dev.loupe.interp.SplitConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Behavioural check of the offline pipeline's honesty: features that fire on a planted token score
 * high, features whose activations are noise independent of the text score near zero (the explainer
 * fits the top excerpts, but that fit must not carry over to the held-out scoring sets).
 */
class BuiltinPipelineTest {
    static FeatureRecords feature(long id, boolean planted, SplittableRandom rng) {
        String trigger = " w" + rng.nextInt(300);
        List<ActivationRecord> top = new ArrayList<>(), random = new ArrayList<>();
        for (int k = 0; k < 30; k++) {
            for (List<ActivationRecord> into : List.of(top, random)) {
                String[] t = new String[64];
                float[] a = new float[64];
                for (int i = 0; i < 64; i++) {
                    t[i] = " w" + rng.nextInt(300);
                    // noise features: text-independent activations; planted ones: faint background so random excerpts vary
                    if (rng.nextDouble() < 0.05) a[i] = (float) rng.nextDouble() * (planted ? 0.1f : 1f);
                }
                if (into == top) t[rng.nextInt(64)] = trigger;  // top excerpts contain the trigger either way
                if (planted) for (int i = 0; i < 64; i++) if (t[i].equals(trigger)) a[i] = 2 + (float) rng.nextDouble();
                into.add(new ActivationRecord(t, a));
            }
        }
        if (!planted) top.sort((x, y) -> Float.compare(y.max(), x.max()));
        return new FeatureRecords(id, top, random);
    }

    @Test void plantedFeaturesScoreHighNoiseFeaturesDoNot() {
        SplittableRandom rng = new SplittableRandom(5);
        List<FeatureRecords> planted = new ArrayList<>(), noise = new ArrayList<>();
        for (int f = 0; f < 12; f++) { planted.add(feature(f, true, rng)); noise.add(feature(100 + f, false, rng)); }
        AutoInterp ai = new AutoInterp(new StatisticalExplainer(), RuleSimulator.factory(), SplitConfig.defaults());
        AutoInterp.Summary p = AutoInterp.summarise(ai.runAll(planted, 2), 1000, 1);
        List<FeatureResult> nr = ai.runAll(noise, 2);
        AutoInterp.Summary n = AutoInterp.summarise(nr, 1000, 1);
        assertEquals(12, p.done());
        assertTrue(p.topAndRandom().lo() > 0.9, "planted: " + p.topAndRandom());
        assertTrue(n.topAndRandom().n() == 0 || n.topAndRandom().hi() < 0.3, "noise: " + n.topAndRandom());
        assertTrue(nr.get(0).explanation() != null && !nr.get(0).explanation().text().isEmpty());
    }
}
