package dev.loupe.model;

import dev.loupe.tensor.Tensor;

/**
 * One forward call's geometry: {@code batch} sequences of {@code seq} new tokens starting at absolute
 * position {@code startPos}; {@code pos[r]} is the position of flattened row r = b·seq + i. Carries the
 * hook registry so components can fire hooks with a leading batch dimension, and the scratch
 * {@link Workspace} ({@code null} when hooks are registered: then every activation is a new array).
 */
record Step(int batch, int seq, int startPos, int[] pos, Hooks hooks, Workspace ws) {
    static Step of(int batch, int seq, int startPos, Hooks hooks, Workspace ws) {
        int[] pos = new int[batch * seq];
        for (int r = 0; r < pos.length; r++) pos[r] = startPos + r % seq;
        return new Step(batch, seq, startPos, pos, hooks, hooks.isEmpty() ? ws : null);
    }

    int rows() { return batch * seq; }

    /** True when activations live in the workspace, so components may work in place on them. */
    boolean reusing() { return ws != null; }

    /** An array of n floats for {@code slot}: the workspace's (stale contents) or a new zeroed one. */
    float[] buf(Workspace.Slot slot, int n) { return ws == null ? new float[n] : ws.get(slot, n); }

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
