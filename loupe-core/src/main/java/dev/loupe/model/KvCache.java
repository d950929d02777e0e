package dev.loupe.model;

import dev.loupe.util.ConfigException;

/**
 * Keys (after rotary) and values of the positions already processed, per layer, for incremental
 * generation: {@code k[l]}, {@code v[l]} are [batch, capacity, n_kv_heads·d_head]. A forward pass with
 * a cache appends its new positions and advances {@link #length()} once all layers ran. Not shared
 * between models or threads; no eviction or sliding window.
 */
public final class KvCache {
    final int batch, capacity, kvDim;
    final float[][] k, v;
    private int length;

    public KvCache(TransformerConfig cfg, int batch, int capacity) {
        if (batch <= 0) throw new ConfigException("KV cache batch must be > 0, got " + batch);
        if (capacity <= 0 || capacity > cfg.nCtx())
            throw new ConfigException("KV cache capacity " + capacity + " must be in [1, n_ctx=" + cfg.nCtx() + "]");
        long floats = 2L * cfg.nLayers() * batch * capacity * cfg.kvDim();
        if (floats > (1L << 33)) throw new ConfigException("KV cache of " + floats * 4 / (1 << 20) + " MiB is too large; lower the batch or capacity");
        this.batch = batch;
        this.capacity = capacity;
        this.kvDim = cfg.kvDim();
        this.k = new float[cfg.nLayers()][batch * capacity * kvDim];
        this.v = new float[cfg.nLayers()][batch * capacity * kvDim];
    }

    /** Number of positions stored. */
    public int length() { return length; }
    public int capacity() { return capacity; }
    public int batch() { return batch; }

    void advance(int n) { length += n; }

    /** Forgets everything (keeps the buffers). */
    public void clear() { length = 0; }
}
