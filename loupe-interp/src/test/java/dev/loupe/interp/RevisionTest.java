package dev.loupe.interp;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.interp.builtin.RuleSimulator;
import dev.loupe.interp.builtin.StatisticalExplainer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RevisionTest {
    static ActivationRecord s(String text, String firing) {
        String[] t = text.split(" ");
        float[] a = new float[t.length];
        for (int i = 0; i < t.length; i++) a[i] = t[i].equals(firing) && (i == 0 || !t[i - 1].equals("river")) ? 3 : 0;
        return new ActivationRecord(t, a);
    }

    @Test void falsePositiveEvidenceTeachesTheException() {
        // the neuron fires on "bank" except in "river bank"; the top excerpts never show the exception
        List<ActivationRecord> top = List.of(s("she went to the bank today", "bank"), s("the bank closed early", "bank"),
                s("my bank sent a letter", "bank"));
        List<ActivationRecord> evidence = List.of(s("we sat on the river bank", "bank"), s("a quiet day at home", "bank"),
                s("the river bank flooded", "bank"));
        List<ActivationRecord> scoring = List.of(s("he walked along the river bank", "bank"), s("the bank raised rates", "bank"),
                s("frogs sat by the river bank", "bank"), s("her bank was closed", "bank"));

        Revision.Result r = Revision.revise(new StatisticalExplainer(), RuleSimulator.factory(), top, Map.of(), evidence, 2);
        assertEquals(2, r.addedEvidence().size());  // the two river-bank excerpts, not the silent one
        for (ActivationRecord x : r.addedEvidence()) assertTrue(String.join(" ", x.tokens()).contains("river bank"));
        Score before = Scorer.score(RuleSimulator.factory().forExplanation(r.original()), scoring).correlation();
        Score after = Scorer.score(RuleSimulator.factory().forExplanation(r.revised()), scoring).correlation();
        assertTrue(after.value() > before.value(), r.original().text() + " → " + r.revised().text());
        assertEquals(1.0, after.value(), 1e-9);
    }
}
