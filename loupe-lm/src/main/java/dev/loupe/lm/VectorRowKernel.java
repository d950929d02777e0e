package dev.loupe.lm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API version of {@link RowKernel}; the only class of the trainer that imports
 * {@code jdk.incubator.vector} (loaded reflectively, so the trainer runs without the module).
 * The exponential sum is kept in float lanes and added up once per row, lane by lane, so results
 * are deterministic (a horizontal reduction per vector would cost as much as the exponentials).
 *
 * <p>The exponential is {@link #exp}, written here in vector arithmetic: the Vector API's own
 * {@code lanewise(EXP)} cost ~1.2 ns per element on the development machine (~10 ms of a
 * single-threaded loupe-1l step), and, being a library call, could differ in the last bit between
 * interpreted and compiled code; this one is plain adds, multiplies and fmas, so it gives the same
 * bits either way.
 */
final class VectorRowKernel implements RowKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final RowKernel TAIL = new RowKernel.Scalar();

    /**
     * Four independent accumulators: a lane-wise max with Java's NaN and −0 rules is a short dependent
     * sequence, so one accumulator ran at ~3.5 ns per vector (latency-bound); max gives the same result
     * in any order, so this changes no bits.
     */
    @Override public float max(float[] x, int off, int n) {
        int i = off, l = S.length(), vend = off + S.loopBound(n), vend4 = off + n / (4 * l) * (4 * l);
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0, m2 = m0, m3 = m0;
        for (; i < vend4; i += 4 * l) {
            m0 = m0.max(FloatVector.fromArray(S, x, i));
            m1 = m1.max(FloatVector.fromArray(S, x, i + l));
            m2 = m2.max(FloatVector.fromArray(S, x, i + 2 * l));
            m3 = m3.max(FloatVector.fromArray(S, x, i + 3 * l));
        }
        for (; i < vend; i += l) m0 = m0.max(FloatVector.fromArray(S, x, i));
        FloatVector m = m0.max(m1).max(m2.max(m3));
        return Math.max(m.reduceLanes(VectorOperators.MAX), TAIL.max(x, i, off + n - i));
    }

    @Override public double expShiftSum(float[] src, float[] dst, int off, int n, float shift) {
        int i = off, vend = off + S.loopBound(n);
        FloatVector sum = FloatVector.zero(S);
        for (; i < vend; i += S.length()) {
            FloatVector e = exp(FloatVector.fromArray(S, src, i).sub(shift));
            e.intoArray(dst, i);
            sum = sum.add(e);
        }
        return lanes(sum) + TAIL.expShiftSum(src, dst, i, off + n - i, shift);
    }

    private static final float LOG2E = (float) (1 / Math.log(2));
    /** ln 2 = LN2_HI + LN2_LO, LN2_HI with 9 significant bits so that k·LN2_HI is exact for the k used (Cody–Waite). */
    private static final float LN2_HI = 0.693359375f, LN2_LO = (float) (Math.log(2) - 0.693359375);
    /** 1.5·2^23: x + ROUND rounds x to an integer held in the low mantissa bits (for |x| &lt; 2^22). */
    private static final float ROUND = 0x1.8p23f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    /** Inputs are clamped to [LO, HI]: e^LO rounds to 0 and e^HI to +inf in float, so the clamp changes no result. */
    private static final float LO = -110f, HI = 89f;

    /**
     * e^x per lane, within 2 ulp of the correctly rounded float (RowKernelTest), over the whole float range:
     * subnormal results, 0 below about −103.97, +inf above about 88.72, NaN for NaN. Range reduction x = k·ln 2 + r
     * with k = round(x·log2 e), |r| &le; ln 2 / 2; e^r by its Taylor series to r^7 (the first omitted term,
     * (ln 2/2)^8/8! ≈ 5e-9, is below float precision); 2^k as two exponent-field powers 2^⌊k/2⌋·2^(k−⌊k/2⌋),
     * so that k from −159 to 128 needs no special case (one of them alone would leave the exponent field).
     */
    static FloatVector exp(FloatVector x) {
        // clamp by compare and blend (NaN compares false and stays NaN): max/min with Math.max's NaN and −0 rules cost more
        FloatVector xc = x.blend(LO, x.compare(VectorOperators.LT, LO)).blend(HI, x.compare(VectorOperators.GT, HI));
        FloatVector t = xc.fma(LOG2E, ROUND);
        FloatVector k = t.sub(ROUND);
        IntVector ki = t.reinterpretAsInts().sub(ROUND_BITS);
        FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(S, 1f / 5040);
        p = p.fma(r, FloatVector.broadcast(S, 1f / 720));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 120));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 24));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 6));
        p = p.fma(r, FloatVector.broadcast(S, 0.5f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));   // Σ r^k/k!, k = 0..7, by Horner
        IntVector k1 = ki.lanewise(VectorOperators.ASHR, 1), k2 = ki.sub(k1);
        FloatVector s1 = k1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = k2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return p.mul(s1).mul(s2);
    }

    @Override public void reluBackward(float[] dinp, float[] inp, float[] dout, int off, int n) {
        int i = off, vend = off + S.loopBound(n);
        for (; i < vend; i += S.length()) {
            var positive = FloatVector.fromArray(S, inp, i).compare(VectorOperators.GT, 0f);
            FloatVector.zero(S).blend(FloatVector.fromArray(S, dout, i), positive).intoArray(dinp, i);
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

    @Override public void normalize(float[] out, float[] x, int o, int n, float mean, float r, float[] p, int w, int b) {
        int j = 0, vend = S.loopBound(n);
        for (; j < vend; j += S.length()) {
            FloatVector.fromArray(S, x, o + j).sub(mean).mul(r).mul(FloatVector.fromArray(S, p, w + j))
                    .add(FloatVector.fromArray(S, p, b + j)).intoArray(out, o + j);
        }
        TAIL.normalize(out, x, o + j, n - j, mean, r, p, w + j, b + j);
    }

    @Override public void normalizeBackward(float[] dinp, float[] dout, float[] x, int o, int n, float mean, float r, float a, float c,
                                            float[] p, int w) {
        int j = 0, vend = S.loopBound(n);
        for (; j < vend; j += S.length()) {
            FloatVector xhat = FloatVector.fromArray(S, x, o + j).sub(mean).mul(r);
            FloatVector inner = FloatVector.fromArray(S, p, w + j).mul(FloatVector.fromArray(S, dout, o + j)).sub(a).sub(xhat.mul(c));
            FloatVector.fromArray(S, dinp, o + j).add(inner.mul(r)).intoArray(dinp, o + j);
        }
        TAIL.normalizeBackward(dinp, dout, x, o + j, n - j, mean, r, a, c, p, w + j);
    }

    /** The lanes of v added in lane order (reduceLanes(ADD) leaves the order unspecified). */
    static double lanes(FloatVector v) {
        double total = 0;
        for (int l = 0; l < S.length(); l++) total += v.lane(l);
        return total;
    }
}
