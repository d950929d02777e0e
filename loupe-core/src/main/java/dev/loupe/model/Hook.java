package dev.loupe.model;

import dev.loupe.tensor.Tensor;

/**
 * A function attached to a named hook point (TransformerLens names, see {@link Transformer#hookNames()}).
 * Return {@code act} itself to only read it, or a tensor of the same shape to patch the forward pass.
 *
 * <p>The tensor passed in is the engine's working buffer: it may change after the hook returns.
 * Copy it to keep it ({@link ActivationCache} does). Shapes carry a leading batch dimension, as in TL.
 */
@FunctionalInterface
public interface Hook {
    Tensor apply(Tensor act, HookContext ctx);
}
