package dev.loupe.interp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionFuzzingTest {
    @Test void aucAndBalancedAccuracyByHand() {
        double[] s = {0.9, 0.8, 0.3, 0.1};
        boolean[] l = {true, false, true, false};
        // positive/negative pairs: .9>.8, .9>.1, .3<.8, .3>.1 → 3/4
        assertEquals(0.75, Classification.auc(s, l).value(), 1e-12);
        // threshold .5 predicts [+,+,-,-]: TPR 1/2, TNR 1/2
        assertEquals(0.5, Classification.balancedAccuracy(s, l, 0.5).value(), 1e-12);
        assertEquals(0.5, Classification.auc(new double[] {1, 1}, new boolean[] {true, false}).value(), 1e-12);  // tie = 1/2
        assertFalse(Classification.auc(new double[] {1, 2}, new boolean[] {true, true}).defined());
        assertFalse(Classification.balancedAccuracy(new double[] {1}, new boolean[] {false}, 0).defined());
    }

    static final Simulator CAT = tokens -> {
        double[] v = new double[tokens.length];
        for (int i = 0; i < v.length; i++) v[i] = tokens[i].equals(" cat") ? 10 : 0;
        return v;
    };

    static ActivationRecord r(String a, String b, String c, float x, float y, float z) {
        return new ActivationRecord(new String[] {a, b, c}, new float[] {x, y, z});
    }

    @Test void detectionAndFuzzingWithAPerfectAndAWrongSimulator() {
        List<ActivationRecord> act = List.of(r(" a", " cat", " sat", 0, 4, 0), r(" the", " cat", " ran", 0, 2, 0));
        List<ActivationRecord> silent = List.of(r(" a", " dog", " sat", 0, 0, 0), r(" the", " cow", " ran", 0, 0, 0));
        Classification.Result d = DetectionFuzzing.detection(CAT, act, silent, 5);
        assertEquals(1.0, d.auc().value(), 1e-12);
        assertEquals(1.0, d.balancedAccuracy().value(), 1e-12);
        Classification.Result f = DetectionFuzzing.fuzzing(CAT, act, 5, 1);
        assertEquals(2, f.positives());
        assertEquals(1.0, f.auc().value(), 1e-12);
        Simulator dog = tokens -> {
            double[] v = new double[tokens.length];
            for (int i = 0; i < v.length; i++) v[i] = tokens[i].equals(" dog") ? 10 : 0;
            return v;
        };
        // scores: activating excerpts 0, 0; silent 10 (dog), 0 → pairs 0<10, 0=0 twice → (0 + .5 + 0 + .5)/4
        assertEquals(0.25, DetectionFuzzing.detection(dog, act, silent, 5).auc().value(), 1e-12);
    }
}
