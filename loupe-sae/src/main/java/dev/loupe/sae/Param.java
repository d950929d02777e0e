package dev.loupe.sae;

/**
 * One named trainable array of an SAE (SAELens names: W_enc [d_in, d_sae], b_enc, W_dec [d_sae, d_in],
 * b_dec, log_threshold, b_gate, r_mag, b_mag). The array is owned by the SAE and updated in place.
 */
public record Param(String name, float[] data, int[] shape) {
    public Param {
        long n = dev.loupe.tensor.Tensor.numel(shape);
        if (n != data.length) throw new IllegalArgumentException(name + ": shape needs " + n + " values, array has " + data.length);
    }
}
