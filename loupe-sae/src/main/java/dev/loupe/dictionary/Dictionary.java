package dev.loupe.dictionary;

import dev.loupe.tensor.Tensor;

/**
 * A linear dictionary of feature directions in a model's activation space: every SAE variant and every
 * baseline (neuron basis, random directions, PCA, ICA and their top-K variants) implements it, so
 * analysis, auto-interp and patching treat them the same way (DESIGN.md, "Dictionaries and SAEs").
 *
 * <p>Not a trainer: training lives in {@code dev.loupe.sae.train}. Encoding is row-wise: row b of the
 * codes depends only on row b of the input, except for batch-level sparsity rules that a variant
 * documents (none at inference).
 */
public interface Dictionary {
    /** Width of the activations this dictionary reads. */
    int dIn();

    /** Number of features (dictionary size). */
    int dFeatures();

    /** Feature activations: x [n, dIn] → codes [n, dFeatures]. */
    Tensor encode(Tensor x);

    /** Reconstruction: codes [n, dFeatures] → x̂ [n, dIn]. */
    Tensor decode(Tensor codes);

    /** Feature i's direction in activation space (its decoder row), a fresh copy of length dIn. */
    float[] direction(int i);

    /** Short kind name for reports, e.g. "standard", "pca". */
    String kind();
}
