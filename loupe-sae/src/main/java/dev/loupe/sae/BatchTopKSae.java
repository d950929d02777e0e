package dev.loupe.sae;

import java.util.Map;

/**
 * SAELens architecture {@code batchtopk} (Bussmann et al. 2024): during training the k·n largest ReLU'd
 * pre-activations of the whole batch are kept (so rows share a sparsity budget); a running threshold
 * (exponential moving average, rate 0.01, of the smallest kept activation per batch) replaces the batch
 * rule at inference, which is why a trained batchtopk SAE is saved as {@code jumprelu} with that global
 * threshold in every entry. Loss and AuxK are as for {@link TopKSae}.
 */
public final class BatchTopKSae extends TopKSae {
    private final float[] threshold = new float[1];

    public BatchTopKSae(SaeConfig cfg) { super(cfg); }

    @Override public Map<String, float[]> buffers() { return Map.of("threshold", threshold); }

    public float threshold() { return threshold[0]; }

    @Override protected SparseCodes select(float[] pre, int n) {
        int s = cfg.dSae();
        long budget = (long) cfg.k() * n;
        int pos = 0;
        for (float v : pre) if (v > 0) pos++;
        float cut = 0f;   // keep every positive value when there are no more than the budget
        if (pos > budget) {
            float[] vals = new float[pos];
            int q = 0;
            for (float v : pre) if (v > 0) vals[q++] = v;
            cut = kthLargest(vals, (int) budget);
        }
        SparseCodes sc = new SparseCodes(n, (int) Math.min(budget + n, (long) n * s));
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < s; i++) {
                float v = pre[b * s + i];
                if (v > 0 && v >= cut) sc.add(i, v);
            }
            sc.endRow(b);
        }
        return sc;
    }

    @Override protected void observeTrainingSelection(SparseCodes f) {
        if (f.nnz() == 0) return;
        float minKept = Float.POSITIVE_INFINITY;
        for (int p = 0; p < f.nnz(); p++) minKept = Math.min(minKept, f.val[p]);
        threshold[0] = threshold[0] == 0f ? minKept : 0.99f * threshold[0] + 0.01f * minKept;
    }

    /** Inference: JumpReLU with the learned global threshold (what the saved jumprelu SAE computes). */
    @Override protected float[] encode(float[] x, int n) {
        float[] f = preActs(SaeOps.center(x, n, cfg.dIn(), bDec), n);
        float t = threshold[0];
        for (int i = 0; i < f.length; i++) if (!(f[i] > t) || !(f[i] > 0)) f[i] = 0f;
        return f;
    }

    /** Quickselect (Hoare partition, middle pivot): the k-th largest value, 1-based; reorders a. */
    static float kthLargest(float[] a, int k) {
        int lo = 0, hi = a.length - 1, target = k - 1;
        while (lo < hi) {
            float pivot = a[(lo + hi) >>> 1];
            int i = lo, j = hi;
            while (i <= j) {
                while (a[i] > pivot) i++;
                while (a[j] < pivot) j--;
                if (i <= j) { float t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
            }
            if (target <= j) hi = j;
            else if (target >= i) lo = i;
            else return a[target];
        }
        return a[target];
    }
}
