package dev.loupe.synthetic;

import dev.loupe.util.ConfigException;

/**
 * Settings of a synthetic data set with known features (Sharkey, Braun and Millidge 2022, "Taking
 * features out of superposition with sparse autoencoders"): nFeatures ground-truth unit directions in
 * dim dimensions; each sample is Σ_i c_i·g_i with c_i ~ U(0, 1) when feature i is on.
 *
 * @param nFeatures   number of ground-truth features
 * @param dim         ambient dimension
 * @param avgActive   expected number of active features per sample
 * @param decay       feature frequency p_i ∝ (i+1)^(−decay); 0 gives equal frequencies
 * @param correlation within-group correlation ρ ∈ [0, 1) of the latent Gaussians that switch features on
 * @param groupSize   features per correlated group (ignored when correlation is 0)
 * @param seed        seed of directions and samples
 */
public record SyntheticConfig(int nFeatures, int dim, double avgActive, double decay, double correlation, int groupSize, long seed) {
    public SyntheticConfig {
        if (nFeatures < 1) throw new ConfigException("synthetic nFeatures must be >= 1, got " + nFeatures);
        if (dim < 1) throw new ConfigException("synthetic dim must be >= 1, got " + dim);
        if (!(avgActive > 0 && avgActive <= nFeatures)) throw new ConfigException("synthetic avgActive must be in (0, nFeatures=" + nFeatures + "], got " + avgActive);
        if (!(decay >= 0) || Double.isInfinite(decay)) throw new ConfigException("synthetic decay must be a finite number >= 0, got " + decay);
        if (!(correlation >= 0 && correlation < 1)) throw new ConfigException("synthetic correlation must be in [0, 1), got " + correlation);
        if (groupSize < 1) throw new ConfigException("synthetic groupSize must be >= 1, got " + groupSize);
    }

    public static SyntheticConfig of(int nFeatures, int dim, double avgActive, long seed) {
        return new SyntheticConfig(nFeatures, dim, avgActive, 0, 0, 1, seed);
    }

    /** Parses "N_FEATURES:DIM:K" (K = mean active features per sample), the CLI's --synthetic value. */
    public static SyntheticConfig parse(String spec, long seed) {
        String[] p = spec == null ? new String[0] : spec.split(":");
        if (p.length != 3) throw new ConfigException("--synthetic '" + spec + "' must be N_FEATURES:DIM:K, e.g. 512:128:5");
        try {
            return of(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Double.parseDouble(p[2].trim()), seed);
        } catch (NumberFormatException e) {
            throw new ConfigException("--synthetic '" + spec + "' must be three numbers N_FEATURES:DIM:K, e.g. 512:128:5");
        }
    }
}
