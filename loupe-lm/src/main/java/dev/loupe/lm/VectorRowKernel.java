package dev.loupe.lm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API version of {@link RowKernel}; the only class of the trainer that imports
 * {@code jdk.incubator.vector} (loaded reflectively, so the trainer runs without the module).
 * The exponential sum is kept in float lanes and added up once per row, lane by lane, so results
 * are deterministic (a horizontal reduction per vector would cost as much as the exponentials).
 */
final class VectorRowKernel implements RowKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final RowKernel TAIL = new RowKernel.Scalar();

    @Override public float max(float[] x, int off, int n) {
        int i = off, vend = off + S.loopBound(n);
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (; i < vend; i += S.length()) m = m.max(FloatVector.fromArray(S, x, i));
        return Math.max(m.reduceLanes(VectorOperators.MAX), TAIL.max(x, i, off + n - i));
    }

    @Override public double expShiftSum(float[] src, float[] dst, int off, int n, float shift) {
        int i = off, vend = off + S.loopBound(n);
        FloatVector sum = FloatVector.zero(S);
        for (; i < vend; i += S.length()) {
            FloatVector e = FloatVector.fromArray(S, src, i).sub(shift).lanewise(VectorOperators.EXP);
            e.intoArray(dst, i);
            sum = sum.add(e);
        }
        return lanes(sum) + TAIL.expShiftSum(src, dst, i, off + n - i, shift);
    }

    @Override public void scale(float[] x, int off, int n, float s) {
        int i = off, vend = off + S.loopBound(n);
        for (; i < vend; i += S.length()) FloatVector.fromArray(S, x, i).mul(s).intoArray(x, i);
        TAIL.scale(x, i, off + n - i, s);
    }

    @Override public void reluBackward(float[] dinp, float[] inp, float[] dout, int off, int n) {
        int i = off, vend = off + S.loopBound(n);
        for (; i < vend; i += S.length()) {
            var positive = FloatVector.fromArray(S, inp, i).compare(VectorOperators.GT, 0f);
            FloatVector.fromArray(S, dinp, i).add(FloatVector.fromArray(S, dout, i), positive).intoArray(dinp, i);
        }
        TAIL.reluBackward(dinp, inp, dout, i, off + n - i);
    }

    @Override public double sum(float[] x, int off, int n) {
        int i = off, vend = off + S.loopBound(n);
        FloatVector s = FloatVector.zero(S);
        for (; i < vend; i += S.length()) s = s.add(FloatVector.fromArray(S, x, i));
        return lanes(s) + TAIL.sum(x, i, off + n - i);
    }

    @Override public double sumSquaredDeviations(float[] x, int off, int n, float mean) {
        int i = off, vend = off + S.loopBound(n);
        FloatVector s = FloatVector.zero(S);
        for (; i < vend; i += S.length()) {
            FloatVector dx = FloatVector.fromArray(S, x, i).sub(mean);
            s = dx.fma(dx, s);
        }
        return lanes(s) + TAIL.sumSquaredDeviations(x, i, off + n - i, mean);
    }

    @Override public double dot(float[] a, int ao, float[] b, int bo, int n) {
        int i = 0, vend = S.loopBound(n);
        FloatVector s = FloatVector.zero(S);
        for (; i < vend; i += S.length()) s = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), s);
        return lanes(s) + TAIL.dot(a, ao + i, b, bo + i, n - i);
    }

    @Override public double dotDeviations(float[] a, int ao, float[] b, int bo, float[] x, int xo, float mean, int n) {
        int i = 0, vend = S.loopBound(n);
        FloatVector s = FloatVector.zero(S);
        for (; i < vend; i += S.length()) {
            FloatVector ab = FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i));
            s = ab.fma(FloatVector.fromArray(S, x, xo + i).sub(mean), s);
        }
        return lanes(s) + TAIL.dotDeviations(a, ao + i, b, bo + i, x, xo + i, mean, n - i);
    }

    @Override public void addTo(float[] x, int xo, float[] acc, int ao, int n) {
        int i = 0, vend = S.loopBound(n);
        for (; i < vend; i += S.length()) {
            FloatVector.fromArray(S, acc, ao + i).add(FloatVector.fromArray(S, x, xo + i)).intoArray(acc, ao + i);
        }
        TAIL.addTo(x, xo + i, acc, ao + i, n - i);
    }

    @Override public void addScaledDeviations(float[] a, float[] x, int xo, float mean, float r, float[] acc, int ao, int n) {
        int i = 0, vend = S.loopBound(n);
        for (; i < vend; i += S.length()) {
            FloatVector term = FloatVector.fromArray(S, a, xo + i).mul(FloatVector.fromArray(S, x, xo + i).sub(mean)).mul(r);
            FloatVector.fromArray(S, acc, ao + i).add(term).intoArray(acc, ao + i);
        }
        TAIL.addScaledDeviations(a, x, xo + i, mean, r, acc, ao + i, n - i);
    }

    /** The lanes of v added in lane order (reduceLanes(ADD) leaves the order unspecified). */
    private static double lanes(FloatVector v) {
        double total = 0;
        for (int l = 0; l < S.length(); l++) total += v.lane(l);
        return total;
    }
}
