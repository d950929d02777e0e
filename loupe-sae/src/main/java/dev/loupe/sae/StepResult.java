package dev.loupe.sae;

/**
 * What one training step measured on its batch. Losses follow SAELens: {@code mse} is Σ over d_in of the
 * squared error, averaged over the batch; {@code sparsity} and {@code aux} are already multiplied by
 * their coefficients; {@code loss = mse + sparsity + aux}. {@code sumSqErr} = Σ‖x − x̂‖² over the batch
 * (for FVU); {@code l0} = mean number of active features per row.
 */
public record StepResult(double loss, double mse, double sparsity, double aux, double sumSqErr, double l0) {}
