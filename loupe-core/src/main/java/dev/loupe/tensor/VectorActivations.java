package dev.loupe.tensor;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API version of {@link Activations} (loaded reflectively, only when the module is present;
 * with {@link VectorGemm} the only core classes importing {@code jdk.incubator.vector}). Floats are
 * widened to double lanes and put through the scalar version's expression, operation by operation
 * in the same order, then rounded back to float; the tail that does not fill a vector takes the
 * scalar path.
 */
final class VectorActivations implements Activations {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();
    private static final Scalar TAIL = new Scalar();

    @Override public void geluNew(float[] x, int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) {
            DoubleVector v = load(x, i);
            DoubleVector u = v.add(v.mul(0.044715).mul(v).mul(v)).mul(-GELU_C);
            store(v.div(u.lanewise(VectorOperators.EXP).add(1.0)), x, i);
        }
        TAIL.geluNew(x, i, to);
    }

    @Override public void silu(float[] x, int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) {
            DoubleVector v = load(x, i);
            store(v.div(v.neg().lanewise(VectorOperators.EXP).add(1.0)), x, i);
        }
        TAIL.silu(x, i, to);
    }

    @Override public double expShift(float[] src, int sOff, float[] dst, int dOff, int n, float shift) {
        int i = 0;
        DoubleVector sum = DoubleVector.zero(D);
        for (; i + L <= n; i += L) {
            FloatVector d = FloatVector.fromArray(F, src, sOff + i).sub(shift);
            DoubleVector e = ((DoubleVector) d.convertShape(VectorOperators.F2D, D, 0)).lanewise(VectorOperators.EXP);
            store(e, dst, dOff + i);
            sum = sum.add(e);
        }
        return sum.reduceLanes(VectorOperators.ADD) + TAIL.expShift(src, sOff + i, dst, dOff + i, n - i, shift);
    }

    private static DoubleVector load(float[] x, int i) {
        return (DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0);
    }

    private static void store(DoubleVector v, float[] x, int i) {
        ((FloatVector) v.convertShape(VectorOperators.D2F, F, 0)).intoArray(x, i);
    }
}
