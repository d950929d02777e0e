// FiringIndex with the Vector API: one comparison per vector of codes, then only the set bits of
// its mask are visited. Agrees with FiringIndex.Scalar exactly (FiringIndexTest). Loaded by name
// only when jdk.incubator.vector is present.
package dev.loupe.features;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

final class VectorFiringIndex implements FiringIndex {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override public int find(float[] codes, int off, int n, int[] out) {
        int m = 0, i = 0;
        for (int end = S.loopBound(n); i < end; i += S.length()) {
            long bits = FloatVector.fromArray(S, codes, off + i).compare(VectorOperators.GT, 0f).toLong();
            while (bits != 0) {
                out[m++] = i + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
            }
        }
        for (; i < n; i++) if (codes[off + i] > 0) out[m++] = i;
        return m;
    }
}
