package dev.loupe.lm;

import dev.loupe.util.ConfigException;

/**
 * Shape of a GPT-2 style model trained by {@link Gpt2}: learned token and position embeddings,
 * pre-LN blocks (LayerNorm, causal multi-head attention, MLP), final LayerNorm, unembedding tied to
 * the token embedding. Mirrors the fields of HF {@code GPT2Config} ({@code vocab_size, n_positions,
 * n_layer, n_embd, n_head, n_inner, activation_function, layer_norm_epsilon}).
 */
public record Gpt2Config(int vocabSize, int context, int layers, int dModel, int heads, int dMlp,
                         Activation act, float layerNormEps) {

    /** MLP nonlinearity; the HF {@code activation_function} string is {@link #hfName()}. */
    public enum Activation {
        RELU("relu"), GELU_NEW("gelu_new");
        private final String hf;
        Activation(String hf) { this.hf = hf; }
        public String hfName() { return hf; }

        /** Accepts "relu", "gelu" (meaning GPT-2's tanh approximation) and "gelu_new". */
        public static Activation parse(String s) {
            return switch (s) {
                case "relu" -> RELU;
                case "gelu", "gelu_new" -> GELU_NEW;
                default -> throw new ConfigException("unknown activation '" + s + "': use relu or gelu (GPT-2's tanh gelu_new)");
            };
        }
    }

    public Gpt2Config {
        positive("vocab size", vocabSize);
        positive("context", context);
        positive("layers", layers);
        positive("d_model", dModel);
        positive("heads", heads);
        positive("d_mlp", dMlp);
        if (act == null) throw new ConfigException("activation is missing: use relu or gelu");
        if (dModel % heads != 0)
            throw new ConfigException("d_model " + dModel + " is not divisible by heads " + heads + ": choose heads dividing d_model");
        if (!(layerNormEps > 0f) || !Float.isFinite(layerNormEps))
            throw new ConfigException("layer_norm_epsilon must be a positive number, got " + layerNormEps);
        if ((long) vocabSize * dModel > Integer.MAX_VALUE / 4 || (long) layers * dModel * Math.max(3 * dModel, dMlp) > Integer.MAX_VALUE / 4)
            throw new ConfigException("model " + this + " is too large for the in-memory trainer: reduce vocab, d_model or d_mlp");
    }

    private static void positive(String what, int v) {
        if (v <= 0) throw new ConfigException(what + " must be positive, got " + v);
    }

    public int dHead() { return dModel / heads; }

    /**
     * Floating-point operations of one training step (forward + backward ≈ 3 × forward) on b sequences
     * of t tokens, counting 2 per multiply-add of the matmuls (QKV, attention output, MLP in and out,
     * unembedding) and of attention's q·k and pattern·v over the causal half. Elementwise work
     * (LayerNorm, softmax, activation, optimizer) is not counted, so this is the usual
     * "model FLOPs" of throughput reports.
     */
    public double trainingFlops(int b, int t) {
        double n = (double) b * t;
        double perLayer = 2 * n * ((double) dModel * 3 * dModel + (double) dModel * dModel + 2.0 * dModel * dMlp)
                + 2 * 2 * (double) b * t * (t + 1) / 2 * dModel;
        return 3 * (layers * perLayer + 2 * n * dModel * vocabSize);
    }
}
