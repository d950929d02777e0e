package dev.loupe.intervene;

/**
 * Next-token distributions from logits, in double: log-softmax and KL divergence, the metrics every
 * intervention reports. Convention throughout this package: KL(intervened ‖ reference) =
 * Σ_v p_int(v)·(log p_int(v) − log p_ref(v)), the direction Cunningham et al. 2023 §4.1 write for
 * patching (KL(patched ‖ target)) and used the same way for ablation (KL(ablated ‖ clean)).
 */
final class Distributions {
    private Distributions() {}

    /** log softmax of logits[off, off+V). */
    static double[] logSoftmax(float[] logits, int off, int vocab) {
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) max = Math.max(max, logits[off + v]);
        double sum = 0;
        for (int v = 0; v < vocab; v++) sum += Math.exp(logits[off + v] - max);
        double lse = max + Math.log(sum);
        double[] out = new double[vocab];
        for (int v = 0; v < vocab; v++) out[v] = logits[off + v] - lse;
        return out;
    }

    /** KL(p ‖ q) from log-probabilities; ≥ 0 up to rounding (clipped at 0). */
    static double kl(double[] logP, double[] logQ) {
        double s = 0;
        for (int v = 0; v < logP.length; v++) {
            double p = Math.exp(logP[v]);
            if (p > 0) s += p * (logP[v] - logQ[v]);
        }
        return Math.max(0, s);
    }

    /** Mean over positions of KL(p ‖ q) for logits [.., pos, V] given as flat rows [rows, V]. */
    static double meanKl(float[] logitsP, float[] logitsQ, int rows, int vocab) {
        double s = 0;
        for (int r = 0; r < rows; r++) s += kl(logSoftmax(logitsP, r * vocab, vocab), logSoftmax(logitsQ, r * vocab, vocab));
        return s / rows;
    }
}
