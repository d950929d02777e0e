package dev.loupe.sae;

import dev.loupe.util.ConfigException;

import java.util.Map;
import java.util.Set;

/**
 * Shape and inference settings of one SAE: what a SAELens {@code cfg.json} says about the model itself
 * (training hyperparameters live in {@code TrainSaeConfig}).
 *
 * @param architecture SAELens architecture string: standard, topk, batchtopk, jumprelu, gated
 * @param dIn          input width (d_in)
 * @param dSae         number of features (d_sae)
 * @param k            active features per row for topk / batchtopk (mean per row for batchtopk); 0 otherwise
 * @param tied         standard only: encoder = decoderᵀ (Cunningham et al. 2023); stored untied on save
 * @param meta         free-form metadata carried through SAELens {@code meta} (hook_name, model_name, …)
 */
public record SaeConfig(String architecture, int dIn, int dSae, int k, boolean tied, Map<String, Object> meta) {
    public static final Set<String> ARCHITECTURES = Set.of("standard", "topk", "batchtopk", "jumprelu", "gated");

    public SaeConfig {
        if (architecture == null || !ARCHITECTURES.contains(architecture))
            throw new ConfigException("architecture '" + architecture + "' is not one of " + ARCHITECTURES.stream().sorted().toList());
        if (dIn < 1) throw new ConfigException("d_in must be >= 1, got " + dIn);
        if (dSae < 1) throw new ConfigException("d_sae must be >= 1, got " + dSae);
        boolean needsK = architecture.equals("topk") || architecture.equals("batchtopk");
        if (needsK && (k < 1 || k > dSae))
            throw new ConfigException("k must be in [1, d_sae=" + dSae + "] for architecture " + architecture + ", got " + k);
        if (!needsK && k != 0) throw new ConfigException("k is only used by topk/batchtopk; set it to 0 for " + architecture);
        if (tied && !architecture.equals("standard")) throw new ConfigException("tied weights are only supported for architecture standard, not " + architecture);
        meta = meta == null ? Map.of() : Map.copyOf(meta);
    }

    public static SaeConfig of(String architecture, int dIn, int dSae, int k, boolean tied) {
        return new SaeConfig(architecture, dIn, dSae, k, tied, Map.of());
    }
}
