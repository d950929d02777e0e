package dev.loupe.model;

/**
 * Where a hook fires: the hook point {@code name}, its {@code layer} (−1 for the embeddings, n_layers for {@code ln_final}), the batch
 * size, the number of new positions in this call and the absolute position of the first one
 * ({@code startPos} &gt; 0 during cached generation).
 */
public record HookContext(String name, int layer, int batch, int seq, int startPos) {}
