// The encoder of the SAE variants whose pre-activations are affine in the input,
// pre = (x - b_dec) W_enc + b_enc, followed by a per-row rule: ReLU (standard), JumpReLU
// (pre > theta) or ReLU(TopK_k) (topk) — SAELens's definitions, as dev.loupe.sae implements them.
// It gives RankOneAblation a closed form: along x - a d_f the pre-activations move on a line,
// pre(a) = p - a q with q = d_f W_enc, so the a where feature f stops firing is where its line
// crosses zero (or theta: from the code at x and one dot product) or, for topk, where the k-th
// other feature overtakes it (O(F) after one GEMM row of pre-activations) — instead of a search
// with one full encode per probe. Not an encoder
// for the analysis itself (that calls Dictionary.encode) and not for other variants (gated,
// batchtopk, baselines): of() answers null and the caller searches.
package dev.loupe.features;

import dev.loupe.dictionary.Dictionary;
import dev.loupe.sae.JumpReluSae;
import dev.loupe.sae.Sae;
import dev.loupe.sae.StandardSae;
import dev.loupe.sae.TopKSae;
import dev.loupe.tensor.Kernels;

import java.util.Arrays;

final class AffineEncoder {
    private final int dIn, F, k;            // k: topk's k, 0 for threshold rules
    private final float[] wEnc;             // [dIn, F]
    private final float[] bEnc, bDec;       // [F], [dIn]
    private final float[] threshold;        // [F] for jumprelu, null otherwise (ReLU: 0)

    private AffineEncoder(Sae sae, float[] wEnc, int k, float[] threshold) {
        this.dIn = sae.dIn();
        this.F = sae.dFeatures();
        this.wEnc = wEnc;
        this.bEnc = sae.param("b_enc").data();
        this.bDec = sae.bDec();
        this.k = k;
        this.threshold = threshold;
    }

    /** The affine encoder of d, or null when d is not one of the variants above. */
    static AffineEncoder of(Dictionary d) {
        if (d instanceof StandardSae s) return new AffineEncoder(s, s.encoderMatrix(), 0, null);
        if (d instanceof JumpReluSae s) return new AffineEncoder(s, s.param("W_enc").data(), 0, s.threshold());
        if (d.getClass() == TopKSae.class) {   // not batchtopk: its inference rule is a global threshold
            TopKSae s = (TopKSae) d;
            return new AffineEncoder(s, s.param("W_enc").data(), s.config().k(), null);
        }
        return null;
    }

    /** Pre-activations [n, F] of rows x [n, dIn]. */
    float[] pre(float[] x, int n) {
        float[] xc = new float[n * dIn];
        for (int r = 0; r < n; r++) for (int j = 0; j < dIn; j++) xc[r * dIn + j] = x[r * dIn + j] - bDec[j];
        float[] pre = new float[n * F];
        for (int r = 0; r < n; r++) System.arraycopy(bEnc, 0, pre, r * F, F);
        Kernels.gemm().sgemm(false, false, n, F, dIn, 1f, xc, 0, dIn, wEnc, 0, F, 1f, pre, 0, F);
        return pre;
    }

    /** Slopes [n, F]: row r is dirs[r] W_enc, how fast each pre-activation falls per unit of a. */
    float[] slopes(float[] dirs, int n) {
        float[] q = new float[n * F];
        Kernels.gemm().sgemm(false, false, n, F, dIn, 1f, dirs, 0, dIn, wEnc, 0, F, 0f, q, 0, F);
        return q;
    }

    /** Whether the rule is per entry (ReLU, JumpReLU): then feature f's code depends on pre_f alone. */
    boolean elementwise() { return k == 0; }

    /** q_f = dir . W_enc[:, f], the rate at which pre_f falls along x - a dir. */
    double slope(float[] dir, int f) {
        double q = 0;
        for (int j = 0; j < dIn; j++) q += (double) dir[j] * wEnc[j * F + f];
        return q;
    }

    /** Elementwise rules: where pre_f(a) = pf - a qf reaches the rule's floor (0, or theta_f); NaN when it never does (qf <= 0). */
    double switchOff(double pf, double qf, int f) {
        double floor = threshold == null ? 0 : Math.max(0, threshold[f]);
        return qf > 0 ? Math.max(0, (pf - floor) / qf) : Double.NaN;
    }

    /**
     * topk: the smallest a >= 0 at which feature f stops firing along pre(a) = p - a q (p =
     * pre[po, po+F), q = slope[qo, qo+F)): where it reaches zero or the k-th other feature
     * overtakes it; NaN when neither happens.
     */
    double switchOff(float[] pre, int po, float[] slope, int qo, int f) {
        double pf = pre[po + f], qf = slope[qo + f];
        double off = qf > 0 ? pf / qf : Double.POSITIVE_INFINITY;
        off = Math.min(off, overtaken(pre, po, slope, qo, f, pf, qf, off));
        return off == Double.POSITIVE_INFINITY ? Double.NaN : Math.max(0, off);
    }

    /**
     * topk: the first a < limit where k other features lie above f. Each other feature's line
     * crosses f's at most once: upward crossings raise the count above f, downward ones lower it;
     * both lists are sorted and merged in time order.
     */
    private double overtaken(float[] pre, int po, float[] slope, int qo, int f, double pf, double qf, double limit) {
        int above = 0, nUp = 0, nDown = 0;
        double[] up = new double[16], down = new double[16];
        for (int j = 0; j < F; j++) {
            if (j == f) continue;
            double pj = pre[po + j], dq = qf - slope[qo + j];
            boolean isAbove = pj > pf;
            if (isAbove) above++;
            // j's line minus f's line is (pj - pf) + a dq: it changes sign at a = (pf - pj) / dq
            if (isAbove ? dq >= 0 : dq <= 0) continue;
            double at = (pf - pj) / dq;
            if (!(at < limit)) continue;
            if (isAbove) {
                if (nDown == down.length) down = Arrays.copyOf(down, 2 * nDown);
                down[nDown++] = at;
            } else {
                if (nUp == up.length) up = Arrays.copyOf(up, 2 * nUp);
                up[nUp++] = at;
            }
        }
        if (above >= k) return 0;
        if (above + nUp < k) return Double.POSITIVE_INFINITY;
        Arrays.sort(up, 0, nUp);
        Arrays.sort(down, 0, nDown);
        for (int i = 0, j = 0; i < nUp; i++) {
            while (j < nDown && down[j] <= up[i]) { j++; above--; }
            if (++above >= k) return up[i];
        }
        return Double.POSITIVE_INFINITY;
    }
}
