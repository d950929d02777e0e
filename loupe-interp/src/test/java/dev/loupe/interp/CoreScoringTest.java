package dev.loupe.interp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-computed cases for discretisation, pooled correlation, r², absolute deviation explained. */
class CoreScoringTest {
    static ActivationRecord rec(float... a) {
        String[] t = new String[a.length];
        for (int i = 0; i < a.length; i++) t[i] = "t" + i;
        return new ActivationRecord(t, a);
    }

    @Test void discretisationFollowsBills() {
        // max over the explanation records is 4 (the negative value is relu'd away)
        List<ActivationRecord> recs = List.of(rec(1f, -3f), rec(4f, 3.99f));
        assertEquals(4.0, Discretisation.maxActivation(recs));
        assertEquals(2, Discretisation.level(1, 4));      // floor(2.5)
        assertEquals(10, Discretisation.level(4, 4));
        assertEquals(9, Discretisation.level(3.99, 4));   // floor(9.975)
        assertEquals(0, Discretisation.level(-3, 4));
        assertEquals(10, Discretisation.level(5, 4));     // above the explanation max: capped
        assertEquals(0, Discretisation.level(0.39, 4));   // floor(0.975)
        assertEquals(0, Discretisation.level(3, 0));      // non-positive max → everything 0
        assertArrayEquals(new int[] {2, 0}, Discretisation.levels(recs.get(0), 4));
        // levels 2,0,10,9 → 3 of 4 non-zero
        assertEquals(0.75, Discretisation.nonZeroFraction(recs, 4), 1e-12);
        assertEquals(0.0, Discretisation.maxActivation(List.of(rec(-1f, -2f))));
    }

    @Test void pearsonHandComputed() {
        // dt = [-1.5,-.5,.5,1.5], ds = [-3,-1,0,4]; Σdt·ds = 11, Σdt² = 5, Σds² = 26
        Score r = Scoring.correlation(new double[] {1, 2, 3, 4}, new double[] {2, 4, 5, 9});
        assertTrue(r.defined());
        assertEquals(11 / Math.sqrt(130), r.value(), 1e-12);
        assertEquals(-1.0, Scoring.correlation(new double[] {1, 2, 3}, new double[] {3, 2, 1}).value(), 1e-12);
    }

    @Test void correlationIsPooledNotAveraged() {
        // each excerpt alone correlates perfectly, but pooled the offsets disagree: r = 1/sqrt(26)
        ScoredSimulation s = ScoredSimulation.of(List.of(new double[] {0, 1}, new double[] {0, 1}),
                List.of(new double[] {0, 1}, new double[] {5, 6}));
        assertEquals(1 / Math.sqrt(26), s.correlation().value(), 1e-12);
    }

    @Test void constantSidesAreUndefinedNotZero() {
        Score a = Scoring.correlation(new double[] {2, 2, 2}, new double[] {1, 2, 3});
        assertFalse(a.defined());
        assertEquals(Score.Status.CONSTANT_TRUE, a.status());
        assertTrue(Double.isNaN(a.value()));
        assertEquals(Score.Status.CONSTANT_SIMULATED, Scoring.correlation(new double[] {1, 2, 3}, new double[] {0, 0, 0}).status());
        assertEquals(Score.Status.EMPTY, Scoring.correlation(new double[0], new double[0]).status());
        assertThrows(IllegalArgumentException.class, () -> Scoring.correlation(new double[1], new double[2]));
    }

    @Test void rSquaredAndAbsoluteDeviationUseNeuronExplainerDefinitions() {
        double[] t = {1, 2}, s = {1, 1};
        // 1 − mean([0,1]) / mean([1,4]) = 1 − 0.5/2.5
        assertEquals(0.8, Scoring.rSquared(t, s).value(), 1e-12);
        // 1 − mean([0,1]) / mean([1,2]) = 1 − 0.5/1.5
        assertEquals(2.0 / 3, Scoring.absoluteDeviationExplained(t, s).value(), 1e-12);
        assertFalse(Scoring.rSquared(new double[] {0, 0}, new double[] {1, 1}).defined());
    }

    @Test void calibratedRSquaredAndCorrelationOnRawSimulation() {
        // truth = 2·sim + 1 on both sets: after calibration r² = abs-dev = 1; correlation uses the raw values
        Simulator sim = tokens -> {
            double[] v = new double[tokens.length];
            for (int i = 0; i < v.length; i++) v[i] = tokens[i].length();
            return v;
        };
        ActivationRecord cal = new ActivationRecord(new String[] {"a", "bb", "ccc"}, new float[] {3, 5, 7});
        ActivationRecord test = new ActivationRecord(new String[] {"dddd", "e"}, new float[] {9, 3});
        double[] ab = Scorer.calibration(sim, List.of(cal));
        assertArrayEquals(new double[] {2, 1}, ab, 1e-12);
        ScoredSimulation s = Scorer.score(sim, List.of(test), ab);
        assertEquals(1.0, s.rSquared().value(), 1e-12);
        assertEquals(1.0, s.absoluteDeviationExplained().value(), 1e-12);
        assertEquals(1.0, s.correlation().value(), 1e-12);
        // uncalibrated: 1 − mean((9−4)², (3−1)²) / mean(81, 9) = 1 − 14.5/45
        assertEquals(1 - 14.5 / 45, Scorer.score(sim, List.of(test)).rSquared().value(), 1e-12);
        assertNull(Scorer.calibration(sim, List.of()));
    }

    @Test void calibrationIsLeastSquares() {
        // t = 2s + 1 exactly
        double[] ab = Scoring.calibrate(new double[] {1, 3, 5}, new double[] {0, 1, 2});
        assertEquals(2, ab[0], 1e-12);
        assertEquals(1, ab[1], 1e-12);
        assertArrayEquals(new double[] {0, 3}, Scoring.calibrate(new double[] {1, 3, 5}, new double[] {7, 7, 7}), 1e-12);
    }
}
