package dev.loupe.model;

import dev.loupe.tensor.Tensor;

/**
 * One forward call's geometry: {@code batch} sequences of {@code seq} new tokens starting at absolute
 * position {@code startPos}; {@code pos[r]} is the position of flattened row r = b·seq + i. Carries the
 * hook registry so components can fire hooks with a leading batch dimension.
 */
record Step(int batch, int seq, int startPos, int[] pos, Hooks hooks) {
    static Step of(int batch, int seq, int startPos, Hooks hooks) {
        int[] pos = new int[batch * seq];
        for (int r = 0; r < pos.length; r++) pos[r] = startPos + r % seq;
        return new Step(batch, seq, startPos, pos, hooks);
    }

    int rows() { return batch * seq; }

    /**
     * Fires the hooks at {@code name} on {@code t} viewed as {@code [batch, ...shape]}; returns the
     * result in t's own shape. Free when nothing is registered there.
     */
    Tensor fire(String name, int layer, Tensor t, int... shape) {
        if (!hooks.has(name)) return t;
        int[] full = new int[shape.length + 1];
        full[0] = batch;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return hooks.fire(name, t.reshape(full), layer, batch, seq, startPos).reshape(t.shape());
    }
}
