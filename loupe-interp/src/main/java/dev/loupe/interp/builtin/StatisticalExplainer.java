package dev.loupe.interp.builtin;

import dev.loupe.interp.ActivationRecord;
import dev.loupe.interp.Discretisation;
import dev.loupe.interp.Explainer;
import dev.loupe.interp.Explanation;
import dev.loupe.interp.Scoring;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The built-in explainer (no LLM): fits a small {@link RuleSet} to the explanation records by greedy
 * forward selection, and writes it as a short explanation with weights.
 *
 * <p>Targets are the explanation records' activations scaled to 0–10 by their max (continuous, not
 * floored). Candidate rules: one per token type (TOKEN), per previous token (AFTER), per next token
 * (BEFORE), per early position (POSITION), and, for the {@value #CONTEXT_TOKENS} token types carrying
 * the most activation, context variants ("only when preceded by c", "unless preceded by c" within
 * {@value #WINDOW} tokens). A candidate's weight is the mean target over the positions it matches;
 * for TOKEN rules that mean is shrunk toward the token look-up table's value when a table is given (a
 * prior of {@value #PRIOR_COUNT} pseudo-occurrence; prior 0 for tokens the table lacks), so a token
 * seen once in a top excerpt is not trusted fully. Candidates firing on exactly the same positions
 * are indistinguishable on this data; only the simplest is kept. Candidates are ranked by mass
 * (activation captured minus weight predicted on silent tokens) and the best {@value #POOL} enter the
 * greedy loop, which adds the rule that most raises the pooled correlation on the explanation records
 * and stops when the gain is below {@value #MIN_GAIN} or after {@value #MAX_RULES} rules.
 *
 * <p>Honest by construction: it sees only the explanation records and the look-up table (the caller
 * must build that table from text that excludes the scoring records). Not a language model: it finds
 * lexical and positional patterns, not concepts like "colours" or "historically inaccurate years".
 */
public final class StatisticalExplainer implements Explainer {
    static final int WINDOW = 3, POOL = 40, MAX_RULES = 8, PRIOR_COUNT = 1, MAX_POSITION = 2, CONTEXT_TOKENS = 8;
    static final double MIN_GAIN = 0.01;

    @Override public String name() { return "builtin-stat"; }

    @Override public Explanation explain(List<ActivationRecord> records, Map<String, Double> lookupTable) {
        RuleSet rules = fit(records, lookupTable);
        return new Explanation(rules.describe(), rules.toJson(), name());
    }

    public RuleSet fit(List<ActivationRecord> records, Map<String, Double> lookupTable) {
        double max = Discretisation.maxActivation(records);
        if (max <= 0) return RuleSet.empty();
        List<String[]> normed = new ArrayList<>();
        List<Double> target = new ArrayList<>();
        for (ActivationRecord r : records) {
            String[] n = new String[r.length()];
            for (int i = 0; i < n.length; i++) {
                n[i] = Rule.norm(r.tokens()[i]);
                target.add(10 * Math.max(0, r.activations()[i]) / max);
            }
            normed.add(n);
        }
        double[] y = target.stream().mapToDouble(Double::doubleValue).toArray();
        Map<String, Double> lut = normalisedTable(lookupTable, max);
        List<Candidate> pool = candidates(normed, y, lut);
        return greedy(pool, y);
    }

    /** A rule with the flat indices (over all records) where it fires. */
    record Candidate(Rule rule, int[] hits, double mass) {}

    private List<Candidate> candidates(List<String[]> normed, double[] y, Map<String, Double> lut) {
        Map<String, List<Integer>> byToken = new LinkedHashMap<>(), byPrev = new LinkedHashMap<>(), byNext = new LinkedHashMap<>();
        Map<Integer, List<Integer>> byPos = new HashMap<>();
        int flat = 0;
        for (String[] n : normed) {
            for (int i = 0; i < n.length; i++, flat++) {
                byToken.computeIfAbsent(n[i], k -> new ArrayList<>()).add(flat);
                if (i > 0) byPrev.computeIfAbsent(n[i - 1], k -> new ArrayList<>()).add(flat);
                if (i + 1 < n.length) byNext.computeIfAbsent(n[i + 1], k -> new ArrayList<>()).add(flat);
                if (i <= MAX_POSITION) byPos.computeIfAbsent(i, k -> new ArrayList<>()).add(flat);
            }
        }
        List<Candidate> out = new ArrayList<>();
        for (var e : byToken.entrySet()) {
            int[] hits = ints(e.getValue());
            double prior = lut.getOrDefault(e.getKey(), lut.isEmpty() ? Double.NaN : 0.0);
            out.add(candidate(Rule.token(Set.of(e.getKey()), 0), hits, y, prior));
        }
        for (var e : byPrev.entrySet()) out.add(candidate(Rule.after(Set.of(e.getKey()), 0), ints(e.getValue()), y, Double.NaN));
        for (var e : byNext.entrySet()) out.add(candidate(Rule.before(Set.of(e.getKey()), 0), ints(e.getValue()), y, Double.NaN));
        for (var e : byPos.entrySet()) out.add(candidate(Rule.position(e.getKey(), 0), ints(e.getValue()), y, Double.NaN));
        // context variants of the token types that carry the most activation (even when the bare token
        // rule is useless because the token is as often silent as firing — that is what context is for)
        List<Candidate> tokenRules = new ArrayList<>();
        for (Candidate c : out) if (c.rule().kind() == Rule.Kind.TOKEN) tokenRules.add(c);
        tokenRules.sort(Comparator.comparingDouble((Candidate c) -> captured(c, y)).reversed());
        List<Candidate> contextual = new ArrayList<>();
        int[] recordOf = new int[y.length], posOf = new int[y.length];
        int f = 0;
        for (int r = 0; r < normed.size(); r++) for (int i = 0; i < normed.get(r).length; i++, f++) { recordOf[f] = r; posOf[f] = i; }
        for (Candidate c : tokenRules.subList(0, Math.min(CONTEXT_TOKENS, tokenRules.size()))) {
            if (captured(c, y) <= 0) break;
            Set<String> contexts = new TreeSet<>();
            for (int h : c.hits()) {
                String[] n = normed.get(recordOf[h]);
                for (int j = Math.max(0, posOf[h] - WINDOW); j < posOf[h]; j++) contexts.add(n[j]);
            }
            for (String ctx : contexts) {
                for (boolean require : new boolean[] {true, false}) {
                    List<Integer> hits = new ArrayList<>();
                    for (int h : c.hits()) if (inWindow(normed.get(recordOf[h]), posOf[h], ctx) == require) hits.add(h);
                    if (hits.isEmpty() || hits.size() == c.hits().length) continue;
                    Rule base = require ? c.rule().withRequires(Set.of(ctx), WINDOW) : c.rule().withUnless(Set.of(ctx), WINDOW);
                    contextual.add(candidate(base, ints(hits), y, Double.NaN));
                }
            }
        }
        out.addAll(contextual);
        out.removeIf(c -> c.mass() <= 0);
        // rules that fire on exactly the same positions cannot be told apart by the data: keep the
        // simplest (TOKEN, AFTER, BEFORE, POSITION, then "requires", then "unless" — positive context
        // before absence of context), first seen among equals
        out.sort(Comparator.comparingInt(StatisticalExplainer::complexity));
        Map<String, Candidate> byHits = new LinkedHashMap<>();
        for (Candidate c : out) byHits.putIfAbsent(java.util.Arrays.toString(c.hits()), c);
        List<Candidate> pool = new ArrayList<>(byHits.values());
        pool.sort(Comparator.comparingDouble(Candidate::mass).reversed());
        return pool.subList(0, Math.min(POOL, pool.size()));
    }

    private static int complexity(Candidate c) {
        Rule r = c.rule();
        if (!r.unless().isEmpty()) return 5;
        if (!r.requires().isEmpty()) return 4;
        return r.kind().ordinal();
    }

    private static double captured(Candidate c, double[] y) {
        double s = 0;
        for (int h : c.hits()) s += y[h];
        return s;
    }

    /** Whether {@code ctx} is among the {@value #WINDOW} tokens before position {@code i}. */
    private static boolean inWindow(String[] n, int i, String ctx) {
        for (int j = Math.max(0, i - WINDOW); j < i; j++) if (n[j].equals(ctx)) return true;
        return false;
    }

    /**
     * Weight = mean target over hits (shrunk toward {@code prior} when given). Mass ranks candidates by
     * how much activation they capture minus what they predict where the feature is silent.
     */
    private static Candidate candidate(Rule r, int[] hits, double[] y, double prior) {
        double sum = 0;
        for (int h : hits) sum += y[h];
        double mean = sum / hits.length;
        double w = Double.isNaN(prior) ? mean : (hits.length * mean + PRIOR_COUNT * prior) / (hits.length + PRIOR_COUNT);
        w = Math.min(10, Math.max(0, w));
        double mass = 0;
        for (int h : hits) mass += Math.min(y[h], w) - (y[h] < 0.5 ? w : 0);
        return new Candidate(r.withWeight(w), hits, mass);
    }

    private static RuleSet greedy(List<Candidate> pool, double[] y) {
        double[] pred = new double[y.length];
        List<Rule> chosen = new ArrayList<>();
        double best = -1;  // correlation of the empty rule set is undefined: any defined score beats it
        boolean[] used = new boolean[pool.size()];
        for (int step = 0; step < MAX_RULES; step++) {
            int arg = -1;
            double argScore = best;
            for (int c = 0; c < pool.size(); c++) {
                if (used[c]) continue;
                double[] trial = pred.clone();
                Candidate cand = pool.get(c);
                for (int h : cand.hits()) trial[h] = Math.max(trial[h], cand.rule().weight());
                var s = Scoring.correlation(y, trial);
                double v = s.defined() ? s.value() : -1;
                // strict '>' over a pool sorted by mass: among equal scores the better-supported rule wins
                if (v > argScore + (chosen.isEmpty() ? 0 : MIN_GAIN)) { argScore = v; arg = c; }
            }
            if (arg < 0) break;
            used[arg] = true;
            Candidate cand = pool.get(arg);
            for (int h : cand.hits()) pred[h] = Math.max(pred[h], cand.rule().weight());
            chosen.add(cand.rule());
            best = argScore;
        }
        return new RuleSet(mergeTokenRules(chosen));
    }

    /** Unconditional TOKEN rules with equal rounded weight are merged into one rule with a token set. */
    private static List<Rule> mergeTokenRules(List<Rule> rules) {
        Map<Long, Set<String>> byWeight = new LinkedHashMap<>();
        Map<Long, Double> weightOf = new HashMap<>();
        List<Rule> out = new ArrayList<>();
        for (Rule r : rules) {
            if (r.kind() == Rule.Kind.TOKEN && r.requires().isEmpty() && r.unless().isEmpty()) {
                long k = Math.round(r.weight());
                byWeight.computeIfAbsent(k, x -> new HashSet<>()).addAll(r.tokens());
                weightOf.merge(k, r.weight(), Math::max);
            } else {
                out.add(r);
            }
        }
        for (var e : byWeight.entrySet()) out.add(Rule.token(e.getValue(), weightOf.get(e.getKey())));
        return out;
    }

    /** Look-up table keyed by normalised token, scaled to 0–10 by the explanation max (means of duplicates). */
    private static Map<String, Double> normalisedTable(Map<String, Double> table, double max) {
        Map<String, double[]> acc = new HashMap<>();
        for (var e : table.entrySet()) {
            if (e.getValue() == null || !Double.isFinite(e.getValue())) continue;
            double[] a = acc.computeIfAbsent(Rule.norm(e.getKey()), k -> new double[2]);
            a[0] += Math.min(10, Math.max(0, 10 * e.getValue() / max));
            a[1]++;
        }
        Map<String, Double> out = new HashMap<>();
        for (var e : acc.entrySet()) out.put(e.getKey(), e.getValue()[0] / e.getValue()[1]);
        return out;
    }

    private static int[] ints(List<Integer> l) {
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = l.get(i);
        return out;
    }
}
