package dev.loupe.interp.builtin;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.interp.ActivationRecord;
import dev.loupe.interp.Explanation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatisticalExplainerTest {
    static final String[] WORDS = {" the", " a", " cat", " dog", " ran", " sat", " on", " mat", " big", " small", " of", " house", " not", " stop", " we", " go"};

    /** Random word excerpts labelled by a ground-truth rule set (the synthetic neuron). */
    static List<ActivationRecord> labelled(RuleSet truth, int n, long seed) {
        Random r = new Random(seed);
        List<ActivationRecord> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            String[] t = new String[24];
            for (int i = 0; i < t.length; i++) t[i] = WORDS[r.nextInt(WORDS.length)];
            double[] a = truth.apply(t);
            float[] f = new float[t.length];
            for (int i = 0; i < f.length; i++) f[i] = (float) (a[i] * 0.37);  // raw units: scale must not matter
            out.add(new ActivationRecord(t, f));
        }
        return out;
    }

    static double heldOut(RuleSet truth, RuleSet learned) {
        List<ActivationRecord> test = labelled(truth, 20, 99);
        List<double[]> t = new ArrayList<>(), s = new ArrayList<>();
        for (ActivationRecord r : test) {
            double[] v = new double[r.length()];
            for (int i = 0; i < v.length; i++) v[i] = r.activations()[i];
            t.add(v);
            s.add(learned.apply(r.tokens()));
        }
        return dev.loupe.interp.ScoredSimulation.of(t, s).correlation().value();
    }

    @Test void recoversTokenAfterAndNegatedRules() {
        StatisticalExplainer ex = new StatisticalExplainer();
        for (RuleSet truth : List.of(
                new RuleSet(List.of(Rule.token(Set.of("cat", "dog"), 10))),
                new RuleSet(List.of(Rule.after(Set.of("of"), 10))),
                new RuleSet(List.of(Rule.before(Set.of("mat"), 10))),
                new RuleSet(List.of(Rule.token(Set.of("stop"), 10).withRequires(Set.of("not"), 3))))) {
            // like the pipeline: the 5 top-activating excerpts out of many
            RuleSet learned = ex.fit(dev.loupe.interp.Excerpts.top(labelled(truth, 300, 1), 5), Map.of());
            assertTrue(heldOut(truth, learned) > 0.9, truth.describe() + " → " + learned.describe());
        }
    }

    @Test void explanationCarriesTextAndMachineForm() {
        RuleSet truth = new RuleSet(List.of(Rule.token(Set.of("cat"), 10)));
        Explanation e = new StatisticalExplainer().explain(dev.loupe.interp.Excerpts.top(labelled(truth, 100, 3), 5), Map.of());
        assertTrue(e.text().contains("\"cat\""), e.text());
        assertEquals(RuleSet.fromJson(e.machineForm()).describe(), e.text());
        assertTrue(new StatisticalExplainer().fit(List.of(new ActivationRecord(new String[] {"x"}, new float[] {0})), Map.of()).rules().isEmpty());
    }
}
