package dev.loupe.sae;

import dev.loupe.util.Rng;

import dev.loupe.dictionary.Dictionary;
import dev.loupe.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the SAE variants: named parameters in SAELens layout (W_enc [d_in, d_sae], W_dec [d_sae, d_in]),
 * the shared linear decoder x̂ = f·W_dec + b_dec, and the training contract {@link #step}: forward,
 * loss and hand-written backward on one batch.
 *
 * <p>Every variant centres its input as SAELens does with {@code apply_b_dec_to_input = true}:
 * the encoder reads x − b_dec. Input normalisation is not done here; the trainer folds its scale into
 * the weights before saving ({@link #foldInputScale}).
 */
public abstract class Sae implements Dictionary {
    protected final SaeConfig cfg;
    private final List<Param> params = new ArrayList<>();
    private final Map<String, Param> byName = new LinkedHashMap<>();

    private final float[][] work = new float[6][];

    protected Sae(SaeConfig cfg) { this.cfg = cfg; }

    /**
     * Reusable step workspace slot (contents undefined): steps at d_sae × batch allocate hundreds of MB per
     * array, so the [n, d_sae] buffers (and the smaller per-step arrays) are kept between steps. Slots 0–5;
     * not thread-safe, like {@link #step}.
     */
    protected final float[] work(int slot, int size) {
        if (work[slot] == null || work[slot].length != size) work[slot] = new float[size];
        return work[slot];
    }

    protected final float[] addParam(String name, int... shape) {
        Param p = new Param(name, new float[(int) Tensor.numel(shape)], shape);
        params.add(p);
        byName.put(name, p);
        return p.data();
    }

    public SaeConfig config() { return cfg; }
    public List<Param> params() { return Collections.unmodifiableList(params); }

    public Param param(String name) {
        Param p = byName.get(name);
        if (p == null) throw new IllegalArgumentException(cfg.architecture() + " SAE has no parameter " + name + "; it has " + byName.keySet());
        return p;
    }

    public boolean hasParam(String name) { return byName.containsKey(name); }

    /** Non-trained state that must survive a checkpoint (batchtopk's running threshold); empty by default. */
    public Map<String, float[]> buffers() { return Map.of(); }

    @Override public int dIn() { return cfg.dIn(); }
    @Override public int dFeatures() { return cfg.dSae(); }
    @Override public String kind() { return cfg.architecture(); }

    /** The decoder [d_sae, d_in]; every variant has one. */
    public float[] wDec() { return param("W_dec").data(); }
    public float[] bDec() { return param("b_dec").data(); }

    @Override public float[] direction(int i) {
        int d = cfg.dIn();
        float[] out = new float[d];
        System.arraycopy(wDec(), i * d, out, 0, d);
        return out;
    }

    /** x̂ [n, d_in] = codes [n, d_sae] · W_dec + b_dec. */
    @Override public Tensor decode(Tensor codes) {
        int n = codes.dim(0), d = cfg.dIn(), s = cfg.dSae();
        checkWidth(codes, s, "codes");
        float[] out = new float[n * d];
        SaeOps.mm(false, false, n, d, s, codes.data(), wDec(), 0f, out);
        SaeOps.addRows(out, n, d, bDec());
        return new Tensor(out, n, d);
    }

    @Override public Tensor encode(Tensor x) {
        checkWidth(x, cfg.dIn(), "input");
        int n = x.dim(0);
        return new Tensor(encode(x.data(), n), n, cfg.dSae());
    }

    /** Inference codes [n, d_sae] for x [n, d_in]. */
    protected abstract float[] encode(float[] x, int n);

    /**
     * One training step on x [n, d_in]: returns the losses and writes ∂loss/∂param into {@code grads}
     * (index-aligned with {@link #params()}, overwritten). {@code dead} (may be null) marks features
     * currently counted dead (AuxK uses it); {@code fired[i]} is set when feature i fired in this batch.
     */
    public abstract StepResult step(float[] x, int n, StepCoefficients c, boolean[] dead, float[][] grads, boolean[] fired);

    /**
     * Rewrites the weights so that the SAE reads raw activations x when it was trained on s·x:
     * W_enc ← s·W_enc, W_dec ← W_dec / s, b_dec ← b_dec / s (as SAELens
     * {@code fold_activation_norm_scaling_factor}). Variants with extra encoder state override.
     */
    public void foldInputScale(float s) {
        if (hasParam("W_enc")) SaeOps.scale(param("W_enc").data(), s);
        SaeOps.scale(wDec(), 1f / s);
        SaeOps.scale(bDec(), 1f / s);
    }

    /** Copies all parameter and buffer values from another SAE of the same shape. */
    public void copyFrom(Sae other) {
        for (Param p : params) System.arraycopy(other.param(p.name()).data(), 0, p.data(), 0, p.data().length);
        for (var e : buffers().entrySet()) System.arraycopy(other.buffers().get(e.getKey()), 0, e.getValue(), 0, e.getValue().length);
    }

    /** Initialises W_dec rows as random unit vectors (scaled) and, when untied, W_enc = W_decᵀ. */
    protected void initDecoderAndEncoder(Rng rng, float norm) {
        int d = cfg.dIn(), s = cfg.dSae();
        float[] wd = wDec();
        for (int i = 0; i < s; i++) {
            double ss = 0;
            for (int j = 0; j < d; j++) { float v = (float) rng.nextGaussian(); wd[i * d + j] = v; ss += (double) v * v; }
            float inv = (float) (norm / Math.sqrt(ss));
            for (int j = 0; j < d; j++) wd[i * d + j] *= inv;
        }
        if (hasParam("W_enc")) {
            float[] we = param("W_enc").data();
            for (int i = 0; i < s; i++) for (int j = 0; j < d; j++) we[j * s + i] = wd[i * d + j];
        }
    }

    protected static void checkWidth(Tensor t, int width, String what) {
        if (t.rank() != 2 || t.dim(1) != width)
            throw new IllegalArgumentException(what + " must be [n, " + width + "], got " + java.util.Arrays.toString(t.shape()));
    }

    protected static int index(List<Param> ps, String name) {
        for (int i = 0; i < ps.size(); i++) if (ps.get(i).name().equals(name)) return i;
        throw new IllegalArgumentException("no parameter " + name);
    }

    /** Gradient slot for a named parameter. */
    protected final float[] grad(float[][] grads, String name) { return grads[index(params, name)]; }
}
