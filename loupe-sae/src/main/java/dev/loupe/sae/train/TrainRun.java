package dev.loupe.sae.train;

import dev.loupe.sae.GatedSae;
import dev.loupe.sae.Param;
import dev.loupe.util.Rng;
import dev.loupe.sae.Sae;
import dev.loupe.sae.SaeOps;
import dev.loupe.sae.Saes;
import dev.loupe.sae.StandardSae;
import dev.loupe.sae.StepCoefficients;
import dev.loupe.sae.StepResult;
import dev.loupe.util.LoupeException;

import java.util.List;

/**
 * The complete state of one SAE being trained — weights, Adam moments, RNG, step, dead-feature
 * counters, input scale — and one optimisation step on a batch. Everything here is what a checkpoint
 * must store for a resumed run to be bit-identical to an uninterrupted one ({@link Checkpoints}).
 *
 * <p>Per step: forward/backward ({@link Sae#step}), NaN/Inf check (before any weight changes), removal of
 * the decoder gradient's component parallel to each unit-norm row, Adam, row renormalisation, dead-feature
 * bookkeeping, and Anthropic-style resampling of dead features (standard/gated).
 */
public final class TrainRun {
    final TrainSaeConfig cfg;
    final Sae sae;
    final Adam adam;
    final Rng rng;
    long step;
    float inputScale = 1f;
    final long[] sinceFired;    // rows since each feature last fired
    private final float[][] grads;
    private final float[][] weights;
    private float[] scaled;     // reused buffer for inputScale · x
    StepResult last;
    double lastFvu = Double.NaN;

    TrainRun(TrainSaeConfig cfg) {
        this.cfg = cfg;
        this.rng = new Rng(cfg.seed());
        this.sae = Saes.init(cfg.saeConfig(), rng, cfg.jumpreluInitThreshold());
        List<Param> ps = sae.params();
        int[] sizes = new int[ps.size()];
        grads = new float[ps.size()][];
        weights = new float[ps.size()][];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = ps.get(i).data().length;
            grads[i] = new float[sizes[i]];
            weights[i] = ps.get(i).data();
        }
        adam = new Adam(sizes, cfg.beta1(), cfg.beta2(), cfg.eps());
        sinceFired = new long[cfg.dSae()];
    }

    public TrainSaeConfig config() { return cfg; }
    public Sae sae() { return sae; }
    public long step() { return step; }
    /** L0 and FVU of the most recent step's batch (NaN before the first step). */
    public double lastL0() { return last == null ? Double.NaN : last.l0(); }
    public double lastFvu() { return lastFvu; }

    boolean[] deadMask() {
        boolean[] dead = new boolean[sinceFired.length];
        for (int i = 0; i < dead.length; i++) dead[i] = sinceFired[i] >= cfg.deadFeatureWindow();
        return dead;
    }

    public double deadFraction() {
        int c = 0;
        for (long s : sinceFired) if (s >= cfg.deadFeatureWindow()) c++;
        return (double) c / sinceFired.length;
    }

    /** One optimisation step on raw rows x [n, d_in] (scaled here by the run's input scale). */
    void train(float[] raw, int n) {
        int d = cfg.dIn(), s = cfg.dSae();
        float[] x = raw;
        if (inputScale != 1f) {
            if (scaled == null || scaled.length != raw.length) scaled = new float[raw.length];
            x = scaled;
            float k = inputScale;
            SaeOps.forRange(raw.length, 1, (a, b) -> { for (int i = a; i < b; i++) scaled[i] = raw[i] * k; });
        }
        boolean[] fired = new boolean[s];
        StepCoefficients c = new StepCoefficients(cfg.sparsityAt(step), cfg.auxCoefficient(), cfg.jumpreluBandwidth());
        StepResult r = sae.step(x, n, c, deadMask(), grads, fired);
        checkFinite(r);
        if (cfg.normalizeDecoder()) removeParallelDecoderGrad();
        adam.step(weights, grads, cfg.lrAt(step));
        if (cfg.normalizeDecoder()) normalizeDecoderRows();
        for (int i = 0; i < s; i++) sinceFired[i] = fired[i] ? 0 : sinceFired[i] + n;
        last = r;
        lastFvu = r.sumSqErr() / totalVariance(x, n, d);
        step++;
        if (cfg.resampleEvery() > 0 && step % cfg.resampleEvery() == 0) resample(x, n);
    }

    private void checkFinite(StepResult r) {
        boolean ok = Double.isFinite(r.loss());
        for (int p = 0; ok && p < grads.length; p++) ok = allFinite(grads[p]);
        if (!ok) throw new LoupeException("SAE run '" + cfg.name() + "': loss or gradient became NaN/Inf at step " + step
                + " (loss " + r.loss() + "); weights were not updated"
                + (cfg.checkpointDir() != null ? " and the last good checkpoint in " + cfg.checkpointDir() + " is kept" : "")
                + " — lower lr or enable normalizeActivations");
    }

    /** No NaN/Inf in g; a parallel scan, since it runs over every gradient each step. */
    private static boolean allFinite(float[] g) {
        java.util.concurrent.atomic.AtomicBoolean ok = new java.util.concurrent.atomic.AtomicBoolean(true);
        SaeOps.forRange(g.length, 1, (a, b) -> {
            // NaN/Inf have an all-ones exponent: adding one exponent step to the masked bits carries into the
            // sign bit exactly then. Integer ORs vectorize; a float reduction would not.
            int acc = 0;
            for (int i = a; i < b; i++) acc |= (Float.floatToRawIntBits(g[i]) & 0x7f800000) + 0x00800000;
            if (acc < 0) ok.set(false);
        });
        return ok.get();
    }

    static double totalVariance(float[] x, int n, int d) {
        double[] mean = new double[d];
        for (int b = 0; b < n; b++) for (int j = 0; j < d; j++) mean[j] += x[b * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        double v = 0;
        for (int b = 0; b < n; b++) for (int j = 0; j < d; j++) { double t = x[b * d + j] - mean[j]; v += t * t; }
        return v;
    }

    private int idx(String name) { return sae.params().indexOf(sae.param(name)); }

    /** g_i ← g_i − (g_i·w_i) w_i for unit rows w_i: the step then moves along the sphere (to first order). */
    private void removeParallelDecoderGrad() {
        int d = cfg.dIn();
        float[] w = sae.wDec(), g = grads[idx("W_dec")];
        SaeOps.forRows(cfg.dSae(), 3L * d, i -> {
            int o = i * d;
            double nn = SaeOps.rowDot(w, o, w, o, d);
            if (nn == 0) return;
            float a = (float) (SaeOps.rowDot(g, o, w, o, d) / nn);
            for (int j = 0; j < d; j++) g[o + j] -= a * w[o + j];
        });
    }

    private void normalizeDecoderRows() {
        int d = cfg.dIn();
        float[] w = sae.wDec();
        SaeOps.forRows(cfg.dSae(), 3L * d, i -> {
            int o = i * d;
            double nn = SaeOps.rowDot(w, o, w, o, d);
            if (nn == 0) return;
            float inv = (float) (1 / Math.sqrt(nn));
            for (int j = 0; j < d; j++) w[o + j] *= inv;
        });
    }

    /**
     * Towards Monosemanticity's resampling: each dead feature gets the direction of an input drawn with
     * probability ∝ its squared reconstruction error (from this batch), as a unit decoder row and as an
     * encoder column scaled to 0.2 × the mean alive encoder norm; its encoder biases and Adam moments reset.
     */
    private void resample(float[] x, int n) {
        boolean[] dead = deadMask();
        int d = cfg.dIn(), s = cfg.dSae();
        int nDead = 0;
        for (boolean b : dead) if (b) nDead++;
        if (nDead == 0) return;
        float[] xhat = sae.decode(sae.encode(new dev.loupe.tensor.Tensor(x, n, d))).data();
        double[] cum = new double[n];
        double tot = 0;
        for (int b = 0; b < n; b++) {
            double e = 0;
            for (int j = 0; j < d; j++) { double t = x[b * d + j] - xhat[b * d + j]; e += t * t; }
            tot += e;
            cum[b] = tot;
        }
        if (!(tot > 0)) return;
        boolean tied = !sae.hasParam("W_enc");
        float[] wEnc = tied ? null : sae.param("W_enc").data();
        double aliveNorm = 0;
        int alive = 0;
        if (!tied) for (int i = 0; i < s; i++) {
            if (dead[i]) continue;
            double nn = 0;
            for (int j = 0; j < d; j++) nn += (double) wEnc[j * s + i] * wEnc[j * s + i];
            aliveNorm += Math.sqrt(nn);
            alive++;
        }
        float encScale = (float) (0.2 * (alive > 0 ? aliveNorm / alive : 1));
        float[] wDec = sae.wDec();
        for (int i = 0; i < s; i++) {
            if (!dead[i]) continue;
            double u = rng.nextDouble() * tot;
            int b = 0;
            while (b < n - 1 && cum[b] <= u) b++;
            double nn = 0;
            for (int j = 0; j < d; j++) nn += (double) x[b * d + j] * x[b * d + j];
            if (nn == 0) continue;
            float inv = (float) (1 / Math.sqrt(nn));
            for (int j = 0; j < d; j++) wDec[i * d + j] = x[b * d + j] * inv;
            adam.reset(idx("W_dec"), i * d, (i + 1) * d);
            if (!tied) {
                int pe = idx("W_enc");
                for (int j = 0; j < d; j++) {
                    wEnc[j * s + i] = x[b * d + j] * inv * encScale;
                    adam.m[pe][j * s + i] = 0f;
                    adam.v[pe][j * s + i] = 0f;
                }
            }
            for (String bias : sae instanceof GatedSae ? new String[]{"b_gate", "b_mag", "r_mag"} : new String[]{"b_enc"}) {
                sae.param(bias).data()[i] = 0f;
                adam.reset(idx(bias), i, i + 1);
            }
            sinceFired[i] = 0;
        }
    }

    /** The SAE as it reads raw activations: input scale folded in, a tied SAE untied first. */
    public Sae finalSae() {
        Sae out = sae instanceof StandardSae st ? st.untie() : sae;
        if (out == sae) {
            out = Saes.empty(sae.config());
            out.copyFrom(sae);
        }
        if (inputScale != 1f) out.foldInputScale(inputScale);
        return out;
    }
}
