// Streaming state of a contiguous range of features [f0, f0 + n) for FeatureAnalyzer: fire counts,
// sums and maxima, fine activation histograms, (token, bin) counts, the top-k windows, a uniform
// reservoir of firing windows (the quantile samples) and a uniform reservoir of firing tokens with
// their hook activation and final residual (the ablation samples: from every batch of a last-block
// hook, else only from the W sampled windows, see AblationWindows). Blocks are independent, so the
// analyzer scans them in parallel; per-feature work touches only firing entries (code > 0).
// Memory: O(n x (bins + examples x excerpt + samples x width)), independent of corpus length.
// "Firing" means activation > 0, as in the store (FeatureStats).
package dev.loupe.features;

import dev.loupe.util.Rng;

final class FeatureBlock {
    static final int ABLATION_SAMPLES = 4;   // per feature: the mean effect is a page statistic; each sample costs one or two encodes (RankOneAblation)

    final int f0, n;
    private final int topK, reservoir, excerpt, dIn, dModel, samples;
    final long[] fire;
    final double[] sum;
    final float[] max;
    final int[] hist;                 // [n, ActivationBins.COUNT]
    final TokenBinCounts tokenBins;
    final Excerpt[] top;              // [n, topK], unordered
    final int[] topCount;
    private final float[] topMin;
    private final int[] topMinSlot;
    final Excerpt[] quantile;         // [n, reservoir]
    final long[] firingWindows;
    final long[] firingSeen;          // firing tokens seen by the ablation reservoir
    final float[] sampleHook;         // [n, samples, dIn]
    final float[] sampleResid;        // [n, samples, d_model]
    final float[] sampleAct;          // [n, samples]
    private final float[] winMax;
    private final int[] winPos, touched, firing;
    private final float[] topMax;     // [n, topK]: top[...].max(), read without a pointer per slot
    private final SkipReservoir sampleSlots, quantileSlots;

    FeatureBlock(int f0, int n, AnalysisOptions o, int vocab, int dIn, int dModel, boolean ablation) {
        this.f0 = f0;
        this.n = n;
        this.topK = o.topK();
        this.reservoir = o.quantileGroups() * o.perQuantile();
        this.excerpt = o.exampleWindow();
        this.dIn = dIn;
        this.dModel = dModel;
        this.samples = ablation ? ABLATION_SAMPLES : 0;
        fire = new long[n];
        sum = new double[n];
        max = new float[n];
        hist = new int[n * ActivationBins.COUNT];
        tokenBins = new TokenBinCounts(vocab);
        top = new Excerpt[n * topK];
        topCount = new int[n];
        topMin = new float[n];
        topMinSlot = new int[n];
        quantile = new Excerpt[n * reservoir];
        firingWindows = new long[n];
        firingSeen = new long[n];
        sampleHook = new float[n * samples * dIn];
        sampleResid = new float[n * samples * dModel];
        sampleAct = new float[n * samples];
        winMax = new float[n];
        winPos = new int[n];
        touched = new int[n];
        firing = new int[n];
        topMax = new float[n * topK];
        Rng rng = new Rng(Rng.mix(o.seed(), f0));
        sampleSlots = new SkipReservoir(n, Math.max(1, samples), rng);
        quantileSlots = new SkipReservoir(n, reservoir, rng);
    }

    /** Number of ablation samples kept for local feature i. */
    int samples(int i) { return (int) Math.min(samples, firingSeen[i]); }

    void scan(Batch b) {
        int F = b.features(), S = b.seq(), len = Math.min(excerpt, S);
        float[] codes = b.codes();
        for (int w = 0; w < b.windows().length; w++) {
            int nTouched = 0;
            int[] toks = b.tokens()[w];
            for (int s = 0; s < S; s++) {
                int row = w * S + s, base = row * F + f0, tok = toks[s], m = FiringIndex.BEST.find(codes, base, n, firing);
                for (int j = 0; j < m; j++) {
                    int i = firing[j];
                    float a = codes[base + i];
                    fire[i]++;
                    sum[i] += a;
                    if (a > max[i]) max[i] = a;
                    int bin = ActivationBins.of(a);
                    hist[i * ActivationBins.COUNT + bin]++;
                    tokenBins.add(i, tok, bin, a);
                    if (samples > 0 && b.resid() != null) sample(b, i, row, a);
                    if (a > winMax[i]) {
                        if (winMax[i] == 0) touched[nTouched++] = i;
                        winMax[i] = a;
                        winPos[i] = s;
                    }
                }
            }
            for (int t = 0; t < nTouched; t++) {
                int i = touched[t];
                endWindow(b, w, i, winMax[i], Excerpt.start(S, len, winPos[i]), len);
                winMax[i] = 0;
            }
        }
    }

    /** Offers the firing entries of a batch with the final residual to the ablation reservoir only (AblationWindows' sample). */
    void sampleAblation(Batch b) {
        if (samples == 0) return;
        int F = b.features(), rows = b.windows().length * b.seq();
        float[] codes = b.codes();
        for (int row = 0; row < rows; row++) {
            int base = row * F + f0, m = FiringIndex.BEST.find(codes, base, n, firing);
            for (int j = 0; j < m; j++) sample(b, firing[j], row, codes[base + firing[j]]);
        }
    }

    /** Uniform reservoir over firing tokens: keeps the hook row and the final residual row. */
    private void sample(Batch b, int i, int row, float a) {
        int slot = sampleSlots.offer(i, ++firingSeen[i]);
        if (slot < 0) return;
        int at = i * samples + slot;
        System.arraycopy(b.hook(), row * dIn, sampleHook, at * dIn, dIn);
        System.arraycopy(b.resid(), row * dModel, sampleResid, at * dModel, dModel);
        sampleAct[at] = a;
    }

    /** A window where local feature i fired, with maximum a: offered to the top-k and to the quantile reservoir. */
    private void endWindow(Batch b, int w, int i, float a, int start, int len) {
        if (topCount[i] < topK) {
            int at = i * topK + topCount[i]++;
            top[at] = Excerpt.cut(b, w, start, len, f0 + i, a);
            topMax[at] = a;
            if (topCount[i] == topK) updateMin(i);
        } else if (a > topMin[i]) {
            int at = i * topK + topMinSlot[i];
            top[at] = Excerpt.cut(b, w, start, len, f0 + i, a);
            topMax[at] = a;
            updateMin(i);
        }
        int slot = quantileSlots.offer(i, ++firingWindows[i]);
        if (slot >= 0) quantile[i * reservoir + slot] = Excerpt.cut(b, w, start, len, f0 + i, a);
    }

    private void updateMin(int i) {
        float m = Float.POSITIVE_INFINITY;
        int at = 0;
        for (int j = 0; j < topK; j++) {
            float v = topMax[i * topK + j];
            if (v < m) { m = v; at = j; }
        }
        topMin[i] = m;
        topMinSlot[i] = at;
    }
}
