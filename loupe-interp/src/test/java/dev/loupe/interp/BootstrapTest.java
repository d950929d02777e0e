package dev.loupe.interp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BootstrapTest {
    @Test void quantileInterpolatesLinearly() {
        assertEquals(2.5, Bootstrap.quantile(new double[] {1, 2, 3, 4}, 0.5), 1e-12);
        assertEquals(1.3, Bootstrap.quantile(new double[] {1, 2, 3, 4}, 0.1), 1e-12);
        assertEquals(4, Bootstrap.quantile(new double[] {1, 2, 3, 4}, 1.0), 1e-12);
    }

    @Test void constantValuesGiveADegenerateInterval() {
        Bootstrap.MeanCi ci = Bootstrap.meanCi(new double[] {0.5, 0.5, 0.5}, 0, 200, 0.95, 1);
        assertEquals(0.5, ci.mean(), 1e-12);
        assertEquals(0.5, ci.lo(), 1e-12);
        assertEquals(0.5, ci.hi(), 1e-12);
    }

    @Test void intervalWidthMatchesNormalTheoryAndIsSeeded() {
        Random r = new Random(7);
        double[] v = new double[400];
        for (int i = 0; i < v.length; i++) v[i] = r.nextGaussian();
        double mean = Scoring.mean(v), var = 0;
        for (double x : v) var += (x - mean) * (x - mean);
        double se = Math.sqrt(var / (v.length - 1) / v.length);
        Bootstrap.MeanCi ci = Bootstrap.meanCi(v, 0, 4000, 0.95, 42);
        assertEquals(2 * 1.96 * se, ci.hi() - ci.lo(), 0.15 * 2 * 1.96 * se);
        assertTrue(ci.lo() < mean && mean < ci.hi());
        assertEquals(ci, Bootstrap.meanCi(v, 0, 4000, 0.95, 42));
    }

    @Test void undefinedScoresAreExcludedAndCounted() {
        List<Score> s = List.of(Score.of(0.2), Score.undefined(Score.Status.CONSTANT_TRUE), Score.of(0.4));
        Bootstrap.MeanCi ci = Bootstrap.meanCi(s, 100, 0.95, 3);
        assertEquals(0.3, ci.mean(), 1e-12);
        assertEquals(2, ci.n());
        assertEquals(1, ci.undefined());
        assertTrue(Double.isNaN(Bootstrap.meanCi(List.of(Score.undefined(Score.Status.EMPTY)), 10, 0.95, 1).mean()));
    }
}
