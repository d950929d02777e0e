package dev.loupe.interp;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Detection and fuzzing scores (Paulo et al. 2024, "Automatically interpreting millions of features
 * in large language models"), computed with any {@link Simulator} so they run offline with the
 * built-in one.
 *
 * <ul>
 *   <li>Detection: does the excerpt contain what the explanation describes? Positives are excerpts
 *       where the feature fires, negatives excerpts where it is silent; an excerpt's score is the
 *       simulator's largest value on it.</li>
 *   <li>Fuzzing: are the highlighted tokens the ones the explanation describes? Each activating
 *       excerpt appears twice: highlighted on its truly active tokens (positive) and on as many
 *       randomly chosen silent tokens (negative); the score is the mean simulated value over the
 *       highlighted tokens.</li>
 * </ul>
 * Balanced accuracy uses {@code threshold} on the simulator's scale (5 of 10 by default); AUC needs
 * no threshold. This is the simulator-based variant: an LLM judge asking yes/no per excerpt is not
 * implemented.
 */
public final class DetectionFuzzing {
    public static final double DEFAULT_THRESHOLD = 5.0;

    private DetectionFuzzing() {}

    public static Classification.Result detection(Simulator sim, List<ActivationRecord> activating, List<ActivationRecord> silent, double threshold) {
        List<ActivationRecord> all = new ArrayList<>(activating);
        all.addAll(silent);
        List<double[]> s = simulate(sim, all);
        double[] scores = new double[all.size()];
        boolean[] labels = new boolean[all.size()];
        for (int i = 0; i < all.size(); i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (double v : s.get(i)) m = Math.max(m, v);
            scores[i] = s.get(i).length == 0 ? 0 : m;
            labels[i] = i < activating.size();
        }
        return Classification.evaluate(scores, labels, threshold);
    }

    public static Classification.Result fuzzing(Simulator sim, List<ActivationRecord> activating, double threshold, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<ActivationRecord> usable = new ArrayList<>();
        for (ActivationRecord r : activating) {
            int active = 0;
            for (float a : r.activations()) if (a > 0) active++;
            if (active > 0 && active < r.length()) usable.add(r);  // needs both kinds of token to highlight
        }
        List<double[]> sims = simulate(sim, usable);
        double[] scores = new double[2 * usable.size()];
        boolean[] labels = new boolean[2 * usable.size()];
        for (int k = 0; k < usable.size(); k++) {
            ActivationRecord r = usable.get(k);
            double[] s = sims.get(k);
            List<Integer> on = new ArrayList<>(), off = new ArrayList<>();
            for (int i = 0; i < r.length(); i++) (r.activations()[i] > 0 ? on : off).add(i);
            for (int i = 0; i < Math.min(on.size(), off.size()); i++) java.util.Collections.swap(off, i, i + rng.nextInt(off.size() - i));
            List<Integer> decoy = off.subList(0, Math.min(on.size(), off.size()));
            scores[2 * k] = mean(s, on);
            labels[2 * k] = true;
            scores[2 * k + 1] = mean(s, decoy);
        }
        return Classification.evaluate(scores, labels, threshold);
    }

    private static List<double[]> simulate(Simulator sim, List<ActivationRecord> recs) {
        List<String[]> tokens = new ArrayList<>();
        for (ActivationRecord r : recs) tokens.add(r.tokens().clone());
        return sim.simulateAll(tokens);
    }

    private static double mean(double[] s, List<Integer> idx) {
        double m = 0;
        for (int i : idx) m += s[i];
        return m / idx.size();
    }
}
