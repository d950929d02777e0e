// Probe metrics against hand-computed cases (worked out in the comments).
package dev.loupe.probe;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class MetricsTest {
    @Test
    void mixedCase() {
        // y = 1 0 1 0, scores .9 .8 .3 -.1 -> predicted 1 1 1 0: tp 2, fp 1, tn 1, fn 0.
        Metrics m = Metrics.of(new int[] {1, 0, 1, 0}, new double[] {0.9, 0.8, 0.3, -0.1});
        assertEquals(0.75, m.accuracy(), 1e-15);
        assertEquals(0.8, m.f1(), 1e-15);                       // 2*2 / (2*2 + 1 + 0)
        assertEquals(2 / Math.sqrt(12), m.mcc(), 1e-15);        // (2*1 - 1*0) / sqrt(3*2*2*1)
        assertEquals(0.75, m.rocAuc(), 1e-15);                  // pairs won: (.9,.8) (.9,-.1) (.3,-.1) of 4
        assertEquals(0.5 + 0.5 * 2 / 3, m.prAuc(), 1e-15);      // recall .5 at precision 1, then recall 1 at precision 2/3
    }

    @Test
    void tiesCountHalfAndEnterTogether() {
        Metrics m = Metrics.of(new int[] {1, 0, 1, 0}, new double[] {1, 1, 0, 0});
        assertEquals(0.5, m.rocAuc(), 1e-15);                   // tie .5 + win 1 + loss 0 + tie .5 over 4
        assertEquals(0.5, m.prAuc(), 1e-15);                    // .5 * .5 at score 1, + .5 * .5 at score 0
        assertEquals(0.5, m.accuracy(), 1e-15);
        assertEquals(0.5, m.f1(), 1e-15);
        assertEquals(0.0, m.mcc(), 1e-15);
    }

    @Test
    void undefinedCasesFollowTheDocumentedConventions() {
        Metrics none = Metrics.of(new int[] {1, 0}, new double[] {-1, -2});   // nothing predicted positive
        assertEquals(0.0, none.f1());
        assertEquals(0.0, none.mcc());
        assertEquals(0.5, none.accuracy());
        assertEquals(1.0, none.rocAuc());
        assertEquals(1.0, none.prAuc());
        Metrics oneClass = Metrics.of(new int[] {0, 0, 0}, new double[] {1, -1, 2});
        assertTrue(Double.isNaN(oneClass.rocAuc()));
        assertTrue(Double.isNaN(oneClass.prAuc()));
        assertEquals(1.0 / 3, oneClass.accuracy(), 1e-15);
        Metrics perfect = Metrics.of(new int[] {0, 1, 1, 0, 1}, new double[] {-3, 2, 0.5, -0.2, 9});
        assertEquals(new Metrics(1, 1, 1, 1, 1), perfect);
    }
}
