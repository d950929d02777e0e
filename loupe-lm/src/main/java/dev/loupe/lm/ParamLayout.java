package dev.loupe.lm;

import java.util.List;

/**
 * Where each parameter tensor lives inside the trainer's single flat {@code float[]} (llm.c's
 * ParameterTensors). Per-layer tensors are stacked over layers: layer l of tensor p starts at
 * {@code offset(p) + l * perLayer(p)}.
 *
 * <p>Matrices are stored in HF GPT-2 {@code Conv1D} layout [in, out] and applied as {@code y = x·W + b},
 * so export to {@code model.safetensors} is a copy (see {@link HfGpt2}). The c_attn output columns are
 * [q | k | v], each D wide, heads contiguous inside each block (HF {@code _split_heads}).
 */
public final class ParamLayout {

    /** Every parameter tensor, in storage order. {@code decay}: AdamW weight decay applies (matrices only). */
    public enum P {
        WTE(false, true), WPE(false, true),
        LN1W(true, false), LN1B(true, false), QKVW(true, true), QKVB(true, false),
        ATTPROJW(true, true), ATTPROJB(true, false), LN2W(true, false), LN2B(true, false),
        FCW(true, true), FCB(true, false), FCPROJW(true, true), FCPROJB(true, false),
        LNFW(false, false), LNFB(false, false);

        public final boolean perLayer, decay;
        P(boolean perLayer, boolean decay) { this.perLayer = perLayer; this.decay = decay; }
    }

    private final Gpt2Config cfg;
    private final int[] offset = new int[P.values().length];
    private final int total;

    public ParamLayout(Gpt2Config cfg) {
        this.cfg = cfg;
        long off = 0;
        for (P p : P.values()) {
            offset[p.ordinal()] = (int) off;
            off += (long) perLayer(p) * (p.perLayer ? cfg.layers() : 1);
        }
        if (off > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("too many parameters for one array: " + off);
        total = (int) off;
    }

    public Gpt2Config config() { return cfg; }
    public int total() { return total; }

    /** Shape of one layer's slice of p (the HF tensor shape). */
    public int[] shape(P p) {
        int v = cfg.vocabSize(), t = cfg.context(), d = cfg.dModel(), f = cfg.dMlp();
        return switch (p) {
            case WTE -> new int[]{v, d};
            case WPE -> new int[]{t, d};
            case LN1W, LN1B, LN2W, LN2B, LNFW, LNFB, ATTPROJB, FCPROJB -> new int[]{d};
            case QKVW -> new int[]{d, 3 * d};
            case QKVB -> new int[]{3 * d};
            case ATTPROJW -> new int[]{d, d};
            case FCW -> new int[]{d, f};
            case FCB -> new int[]{f};
            case FCPROJW -> new int[]{f, d};
        };
    }

    public int perLayer(P p) {
        int n = 1;
        for (int s : shape(p)) n *= s;
        return n;
    }

    public int offset(P p) { return offset[p.ordinal()]; }

    public int offset(P p, int layer) {
        if (!p.perLayer) throw new IllegalArgumentException(p + " is not a per-layer tensor");
        return offset[p.ordinal()] + layer * perLayer(p);
    }

    /** HF GPT-2 ({@code GPT2LMHeadModel}, modern names) name of p for the given layer. */
    public static String hfName(P p, int layer) {
        String h = "transformer.h." + layer + ".";
        return switch (p) {
            case WTE -> "transformer.wte.weight";
            case WPE -> "transformer.wpe.weight";
            case LN1W -> h + "ln_1.weight";
            case LN1B -> h + "ln_1.bias";
            case QKVW -> h + "attn.c_attn.weight";
            case QKVB -> h + "attn.c_attn.bias";
            case ATTPROJW -> h + "attn.c_proj.weight";
            case ATTPROJB -> h + "attn.c_proj.bias";
            case LN2W -> h + "ln_2.weight";
            case LN2B -> h + "ln_2.bias";
            case FCW -> h + "mlp.c_fc.weight";
            case FCB -> h + "mlp.c_fc.bias";
            case FCPROJW -> h + "mlp.c_proj.weight";
            case FCPROJB -> h + "mlp.c_proj.bias";
            case LNFW -> "transformer.ln_f.weight";
            case LNFB -> "transformer.ln_f.bias";
        };
    }

    /** All (tensor, layer) slices in storage order; layer is 0 for global tensors. */
    public List<Slice> slices() {
        var out = new java.util.ArrayList<Slice>();
        for (P p : P.values()) {
            int n = p.perLayer ? cfg.layers() : 1;
            for (int l = 0; l < n; l++) {
                out.add(new Slice(p, l, p.perLayer ? offset(p, l) : offset(p), perLayer(p), shape(p), hfName(p, l)));
            }
        }
        return out;
    }

    public record Slice(P p, int layer, int offset, int size, int[] shape, String hfName) {}
}
