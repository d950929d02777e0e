package dev.loupe.lm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API version of {@link ExpKernel}; the only class of the trainer that imports
 * {@code jdk.incubator.vector} (loaded reflectively, so the trainer runs without the module).
 * Lane sums are added to a double once per vector, in a fixed order, so results are deterministic.
 */
final class VectorExpKernel implements ExpKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @Override public double expShiftSum(float[] src, float[] dst, int off, int n, float shift) {
        double sum = 0;
        int i = off, end = off + n, vend = off + S.loopBound(n);
        for (; i < vend; i += S.length()) {
            FloatVector e = FloatVector.fromArray(S, src, i).sub(shift).lanewise(VectorOperators.EXP);
            e.intoArray(dst, i);
            sum += e.reduceLanes(VectorOperators.ADD);
        }
        for (; i < end; i++) {
            float e = (float) Math.exp(src[i] - shift);
            dst[i] = e;
            sum += e;
        }
        return sum;
    }
}
