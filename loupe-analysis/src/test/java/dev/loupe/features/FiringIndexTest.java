// The vectorised firing-index scan agrees exactly with a plain loop: on seeded rows of every
// length around the vector width, at several offsets, with NaN, -0.0, negatives and positives,
// both implementations return the indices of the codes > 0 in increasing order.
package dev.loupe.features;

import dev.loupe.util.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class FiringIndexTest {
    @Test
    void vectorAndScalarFindExactlyTheFiringCodes() {
        Rng rng = new Rng(3);
        float[] special = {Float.NaN, -0f, 0f, -1f, Float.MIN_VALUE, 2.5f, Float.POSITIVE_INFINITY};
        FiringIndex vector = new VectorFiringIndex(), scalar = new FiringIndex.Scalar();
        for (int n = 0; n < 70; n++) {
            for (int off = 0; off < 3; off++) {
                float[] codes = new float[off + n];
                for (int i = 0; i < codes.length; i++) codes[i] = rng.nextDouble() < 0.3 ? special[rng.nextInt(special.length)] : 0f;
                int expected = 0;
                int[] want = new int[n];
                for (int i = 0; i < n; i++) if (codes[off + i] > 0) want[expected++] = i;
                for (FiringIndex f : new FiringIndex[] {vector, scalar}) {
                    int[] got = new int[n];
                    int m = f.find(codes, off, n, got);
                    assertEquals(expected, m, f.getClass().getSimpleName() + " n=" + n);
                    assertArrayEquals(java.util.Arrays.copyOf(want, m), java.util.Arrays.copyOf(got, m));
                }
            }
        }
    }
}
