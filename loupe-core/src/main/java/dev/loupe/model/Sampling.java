package dev.loupe.model;

import dev.loupe.util.ConfigException;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How the next token is chosen from logits: greedy argmax (ties → lowest id), or sampling from
 * {@code softmax(logits / temperature)} restricted to the top-p nucleus (the smallest set of most
 * likely tokens whose probability reaches {@code topP}, as in HF {@code TopPLogitsWarper}). Sampling is
 * deterministic for a given seed. No top-k, repetition penalty or beam search.
 */
public record Sampling(boolean greedy, double temperature, double topP, long seed) {
    public Sampling {
        if (!greedy && !(temperature > 0 && Double.isFinite(temperature)))
            throw new ConfigException("temperature must be > 0, got " + temperature + "; use greedy decoding for temperature 0");
        if (!(topP > 0 && topP <= 1)) throw new ConfigException("top-p must be in (0, 1], got " + topP);
    }

    public static Sampling greedyDecoding() { return new Sampling(true, 1, 1, 0); }

    public static Sampling sample(double temperature, double topP, long seed) { return new Sampling(false, temperature, topP, seed); }

    /** A stateful picker for one generation run. */
    public Picker picker() { return new Picker(this); }

    public static final class Picker {
        private final Sampling s;
        private final SplittableRandom rng;

        private Picker(Sampling s) {
            this.s = s;
            this.rng = new SplittableRandom(s.seed);
        }

        /** Picks a token id from logits[off, off+vocab). */
        public int pick(float[] logits, int off, int vocab) {
            if (s.greedy) return argmax(logits, off, vocab);
            double max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) max = Math.max(max, logits[off + v]);
            double[] p = new double[vocab];
            double sum = 0;
            for (int v = 0; v < vocab; v++) { p[v] = Math.exp((logits[off + v] - max) / s.temperature); sum += p[v]; }
            for (int v = 0; v < vocab; v++) p[v] /= sum;
            if (s.topP >= 1) return draw(p, null, vocab, 1.0);
            Integer[] order = new Integer[vocab];
            for (int v = 0; v < vocab; v++) order[v] = v;
            Arrays.sort(order, (a, b) -> p[b] != p[a] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
            int keep = 0;
            double mass = 0;
            while (keep < vocab && (keep == 0 || mass < s.topP)) mass += p[order[keep++]];
            return draw(p, order, keep, mass);
        }

        /** Draws from the first n entries of {@code order} (identity when null) with total mass {@code mass}. */
        private int draw(double[] p, Integer[] order, int n, double mass) {
            double u = rng.nextDouble() * mass, acc = 0;
            for (int i = 0; i < n; i++) {
                int id = order == null ? i : order[i];
                acc += p[id];
                if (u < acc) return id;
            }
            return order == null ? n - 1 : order[n - 1];
        }
    }

    public static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (x[off + i] > x[off + best]) best = i;
        return best;
    }
}
