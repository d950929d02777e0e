package dev.loupe.intervene;

import dev.loupe.model.HookHandle;
import dev.loupe.model.Transformer;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Causal feature trees (Cunningham et al. 2023 §5.3). For a target feature at one site, take the
 * contexts (window, position) where it fires in [M/2, M], M its maximum over the windows; zero-ablate
 * each feature of the dictionary at the next earlier site (every position of the window; later
 * positions cannot matter to a causal model) and rank those features by the mean drop of the target's
 * activation at the context position; keep the top {@code branching} with a positive drop and recurse
 * from each to the next earlier site, down to {@code depth} levels. Sites are given from the target
 * downwards ({@code sites.get(0)} holds the target feature). Not a path-patching method: the drops are
 * total effects through every route between the two sites.
 */
public final class FeatureTrees {
    private FeatureTrees() {}

    /**
     * @param contexts      at most this many contexts per node (the first in window order with activation in [M/2, M])
     * @param branching     children kept per node
     * @param depth         levels below the target (at most sites − 1)
     * @param maxCandidates upstream features tried per node, those with the largest mean |code|·‖d‖ over the contexts
     */
    public record Options(int contexts, int branching, int depth, int maxCandidates) {
        public Options {
            if (contexts < 1 || branching < 1 || depth < 0 || maxCandidates < 1)
                throw new ConfigException("tree options must be positive (contexts " + contexts + ", branching " + branching
                        + ", depth " + depth + ", candidates " + maxCandidates + ")");
        }
    }

    /**
     * A feature in the tree: {@code drop} is the mean decrease of the parent's activation when this
     * feature is zero-ablated (NaN for the root), {@code maxActivation} its M over the windows and
     * {@code contexts} how many contexts its own children were ranked on.
     */
    public record Node(String site, String hook, int feature, double drop, double maxActivation, int contexts, List<Node> children) {}

    public static Node trace(Transformer model, int[][] windows, List<Site> sites, int feature, Options opt) {
        if (sites.isEmpty()) throw new ConfigException("a feature tree needs at least the target's site");
        if (opt.depth() > sites.size() - 1)
            throw new ConfigException("depth " + opt.depth() + " needs " + (opt.depth() + 1) + " sites (target first, then earlier ones); got " + sites.size());
        if (feature < 0 || feature >= sites.get(0).dict().dFeatures())
            throw new ConfigException("feature " + feature + " is outside " + sites.get(0).name() + "'s " + sites.get(0).dict().dFeatures() + " features");
        return node(model, windows, sites, 0, feature, Double.NaN, opt.depth(), opt);
    }

    private static Node node(Transformer model, int[][] windows, List<Site> sites, int level, int feature, double drop, int depth, Options opt) {
        Site site = sites.get(level);
        float[] act = featureCodes(model, windows, site, feature);                     // [windows, seq]
        int S = windows[0].length;
        double max = 0;
        for (float a : act) max = Math.max(max, a);
        if (depth == 0 || max <= 0) return new Node(site.name(), site.hook(), feature, drop, max, 0, List.of());

        int[] ctx = contexts(act, max, opt.contexts());                               // flat indices window·S + pos
        int[][] tokens = new int[ctx.length][];
        for (int i = 0; i < ctx.length; i++) tokens[i] = windows[ctx[i] / S];
        double[] clean = new double[ctx.length];
        for (int i = 0; i < ctx.length; i++) clean[i] = act[ctx[i]];

        Site up = sites.get(level + 1);
        int[] cands = candidates(model, tokens, ctx, S, up, opt.maxCandidates());
        double[] drops = new double[cands.length];
        for (int c = 0; c < cands.length; c++) {
            var ablate = Steering.hook(up.dict(), List.of(FeatureEdit.clamp(cands[c], 0)));
            float[] after;
            try (HookHandle h = model.addHook(up.hook(), ablate)) {
                after = featureCodes(model, tokens, site, feature);
            }
            for (int i = 0; i < ctx.length; i++) drops[c] += (clean[i] - after[i * S + ctx[i] % S]) / ctx.length;
        }
        List<Node> children = new ArrayList<>();
        for (int i : FeatureSpace.topPositive(drops, opt.branching()))
            children.add(node(model, windows, sites, level + 1, cands[i], drops[i], depth - 1, opt));
        return new Node(site.name(), site.hook(), feature, drop, max, ctx.length, children);
    }

    /** The feature's code at every position of every window: [windows, seq]. */
    private static float[] featureCodes(Transformer model, int[][] windows, Site site, int feature) {
        Tensor a = model.runWithCache(windows, List.of(site.hook())).get(site.hook());
        int d = site.dict().dIn(), m = site.dict().dFeatures(), n = FeatureSpace.rows(a, d, site.hook());
        float[] codes = site.dict().encode(a.reshape(n, d)).data();
        float[] out = new float[n];
        for (int r = 0; r < n; r++) out[r] = codes[r * m + feature];
        return out;
    }

    /** The first {@code max} positions (in window order) with activation in [M/2, M]. */
    private static int[] contexts(float[] act, double max, int limit) {
        return IntStream.range(0, act.length).filter(i -> act[i] >= max / 2).limit(limit).toArray();
    }

    /** Upstream features with the largest mean |code|·‖d‖ over the context windows' positions up to the context position. */
    private static int[] candidates(Transformer model, int[][] tokens, int[] ctx, int S, Site up, int max) {
        Tensor a = model.runWithCache(tokens, List.of(up.hook())).get(up.hook());
        int d = up.dict().dIn(), m = up.dict().dFeatures(), n = FeatureSpace.rows(a, d, up.hook());
        float[] codes = up.dict().encode(a.reshape(n, d)).data();
        double[] score = new double[m];
        for (int i = 0; i < ctx.length; i++)
            for (int s = 0; s <= ctx[i] % S; s++)
                for (int j = 0; j < m; j++) score[j] += Math.abs(codes[(i * S + s) * m + j]);
        double[] norm = FeatureSpace.norms(FeatureSpace.directions(up.dict(), IntStream.range(0, m).toArray()), m, d);
        for (int j = 0; j < m; j++) score[j] *= norm[j];
        return FeatureSpace.topPositive(score, max);
    }
}
