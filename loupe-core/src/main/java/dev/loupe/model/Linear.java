package dev.loupe.model;

import dev.loupe.tensor.Kernels;
import dev.loupe.tensor.Ops;
import dev.loupe.tensor.Tensor;

/**
 * {@code y = x · W + b} with W stored [in, out] (TransformerLens orientation), through {@link Kernels#gemm()}.
 * Not a module with hooks: the components that call it own the hook points.
 */
final class Linear {
    private Linear() {}

    /**
     * x [rows, in] (any shape whose last dim is in) · W [in, out] + b [out] → [rows, out], written into
     * {@code y} (rows·out floats, previous contents ignored). The bias is copied into y first and the
     * GEMM accumulates onto it (beta = 1), which saves a pass over y.
     */
    static Tensor apply(Tensor x, Tensor w, Tensor b, float[] y) {
        int in = w.dim(0), out = w.dim(1);
        int rows = x.numel() / in;
        if (b != null) Ops.fillRows(y, rows, out, b.data());
        Kernels.gemm().sgemm(false, false, rows, out, in, 1f, x.data(), 0, in, w.data(), 0, out, b == null ? 0f : 1f, y, 0, out);
        return new Tensor(y, rows, out);
    }
}
