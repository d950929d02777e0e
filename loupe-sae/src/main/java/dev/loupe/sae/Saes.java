package dev.loupe.sae;

import dev.loupe.util.Rng;

/**
 * Registry of SAE variants by SAELens architecture string: a fresh, initialised SAE for a config, or an
 * empty one (all zeros) for loaders to fill.
 */
public final class Saes {
    private Saes() {}

    /** Zero-filled SAE of the given architecture (loaders fill the parameters). */
    public static Sae empty(SaeConfig cfg) {
        return switch (cfg.architecture()) {
            case "standard" -> new StandardSae(cfg);
            case "topk" -> new TopKSae(cfg);
            case "batchtopk" -> new BatchTopKSae(cfg);
            case "jumprelu" -> new JumpReluSae(cfg);
            case "gated" -> new GatedSae(cfg);
            default -> throw new IllegalStateException(cfg.architecture());
        };
    }

    /**
     * Initialised SAE: decoder rows random unit vectors, encoder = decoderᵀ, biases zero (SAELens
     * initialisation with unit decoder norm); jumprelu thresholds at {@code jumpReluInitThreshold}.
     */
    public static Sae init(SaeConfig cfg, Rng rng, double jumpReluInitThreshold) {
        return switch (cfg.architecture()) {
            case "standard" -> StandardSae.init(cfg, rng);
            case "topk", "batchtopk" -> TopKSae.init(cfg, rng);
            case "jumprelu" -> JumpReluSae.init(cfg, rng, jumpReluInitThreshold);
            case "gated" -> GatedSae.init(cfg, rng);
            default -> throw new IllegalStateException(cfg.architecture());
        };
    }
}
