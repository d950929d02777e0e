package dev.loupe.model;

import dev.loupe.tensor.Kernels;
import dev.loupe.tensor.Tensor;

/**
 * Logits {@code x · W_U}. Untied: W_U [d_model, vocab]. Tied (GPT-2, Qwen2, llama2.c): no W_U is
 * stored; {@code W_E [vocab, d_model]} is used transposed, as HF does, so nothing is duplicated.
 */
final class Unembed {
    final Tensor w;          // [d_model, vocab], or W_E [vocab, d_model] when tied
    final boolean tied;

    Unembed(Tensor w, boolean tied) { this.w = w; this.tied = tied; }

    int vocab() { return tied ? w.dim(0) : w.dim(1); }

    /** x [rows, d_model] → logits [rows, vocab], written into y (rows·vocab floats, previous contents ignored). */
    Tensor forward(Tensor x, float[] y) {
        int d = tied ? w.dim(1) : w.dim(0), v = vocab(), rows = x.numel() / d;
        Kernels.gemm().sgemm(false, tied, rows, v, d, 1f, x.data(), 0, d, w.data(), 0, tied ? d : v, 0f, y, 0, v);
        return new Tensor(y, rows, v);
    }
}
