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

    /** x [rows, in] (any shape whose last dim is in) · W [in, out] + b [out] → [rows, out]. */
    static Tensor apply(Tensor x, Tensor w, Tensor b) {
        int in = w.dim(0), out = w.dim(1);
        int rows = x.numel() / in;
        float[] y = new float[rows * out];
        Kernels.gemm().sgemm(false, false, rows, out, in, 1f, x.data(), 0, in, w.data(), 0, out, 0f, y, 0, out);
        if (b != null) Ops.addBias(y, rows, out, b.data());
        return new Tensor(y, rows, out);
    }
}
