package dev.loupe.sae;

/**
 * Per-step loss weights handed to {@link Sae#step}: {@code sparsity} is the L1 coefficient (standard,
 * gated) or the L0 coefficient (jumprelu) after warm-up; {@code aux} weights AuxK (topk, batchtopk);
 * {@code bandwidth} is the JumpReLU straight-through kernel width ε.
 */
public record StepCoefficients(double sparsity, double aux, double bandwidth) {}
