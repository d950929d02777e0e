package dev.loupe.interp;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.dictionary.Baselines;
import dev.loupe.interp.builtin.RuleSimulator;
import dev.loupe.interp.builtin.StatisticalExplainer;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;
import dev.loupe.util.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Detection, fuzzing and ablation as {@link AutoInterp} runs them: a planted one-token feature, and loupe-1l's MLP neurons. */
class ExtraScoringTest {
    static final String[] FILLER = {" the", " sat", " on", " mat", " and", " ran", " to", " a"};
    static final SplitConfig SPLITS = new SplitConfig(5, 10, 5, 5, 15, 0);

    /**
     * A feature firing exactly on " cat". 30 top excerpts, all with " cat" (the scoring ones are the
     * odd ranks; " dog" is planted in exactly half of those); 20 random excerpts: 10 with " cat"
     * (firing), 10 silent, " dog" in exactly 5 of the silent ones.
     */
    static FeatureRecords plantedCat() {
        List<ActivationRecord> top = new ArrayList<>(), random = new ArrayList<>();
        for (int k = 0; k < 30; k++) top.add(excerpt(k, true, (k / 2) % 2 == 0, 5f + 0.01f * (30 - k)));  // rank k: descending max
        for (int i = 0; i < 20; i++) random.add(excerpt(i, i < 10, i >= 10 && i % 2 == 0, 5f));
        return new FeatureRecords(0, top, random);
    }

    static ActivationRecord excerpt(int k, boolean cat, boolean dog, float act) {
        String[] t = new String[8];
        float[] a = new float[8];
        for (int i = 0; i < 8; i++) t[i] = FILLER[(k + i) % FILLER.length];
        if (dog) t[2] = " dog";
        if (cat) { t[5] = " cat"; a[5] = act; }
        return new ActivationRecord(t, a);
    }

    static List<ExtraScoring.Outcome> score(String explanation) {
        AutoInterp ai = new AutoInterp(new StatisticalExplainer(), RuleSimulator.factory(), SPLITS,
                List.of(ScorerKind.SIMULATION, ScorerKind.DETECTION, ScorerKind.FUZZING), null);
        FeatureResult r = ai.score(plantedCat(), Explanation.ofText(explanation));
        assertEquals(FeatureResult.Status.DONE, r.status(), r.reason());
        assertEquals(List.of(ScorerKind.DETECTION, ScorerKind.FUZZING), r.extras().stream().map(ExtraScoring.Outcome::kind).toList());
        return r.extras();
    }

    @Test void trueExplanationDetectsAndFuzzesPerfectly() {
        List<ExtraScoring.Outcome> o = score("the token \"cat\"");
        ExtraScoring.Outcome det = o.get(0), fuz = o.get(1);
        // 10 scoring top excerpts (all with " cat": simulated 10) against the 10 silent random ones (simulated 0)
        assertEquals("10 positives, 10 negatives", det.detail());
        assertEquals(1.0, det.scores().get(0).value(), 1e-12);
        assertEquals(1.0, det.scores().get(1).value(), 1e-12);
        assertEquals(1.0, fuz.scores().get(0).value(), 1e-12);
        assertEquals(1.0, fuz.scores().get(1).value(), 1e-12);
        assertNull(det.note());
        assertNull(det.failure());
    }

    @Test void falseExplanationIsAtChance() {
        List<ExtraScoring.Outcome> o = score("the token \"dog\"");
        ExtraScoring.Outcome det = o.get(0), fuz = o.get(1);
        // " dog" in 5 of 10 positives and 5 of 10 negatives: TPR = TNR = 1/2; AUC = (25 wins + ½·50 ties) / 100
        assertEquals(0.5, det.scores().get(0).value(), 1e-12);
        assertEquals(0.5, det.scores().get(1).value(), 1e-12);
        // fuzzing: every highlighted " cat" simulates 0 (ties with silent decoys); a decoy simulates 10 only when it
        // lands on the " dog" of one of the 5 excerpts that have one, so AUC = 0.5 − (decoys on " dog")/20 ∈ [0.25, 0.5]
        double auc = fuz.scores().get(1).value();
        assertTrue(auc <= 0.5 && auc >= 0.25, "fuzzing AUC " + auc);
        assertEquals(Math.round(auc * 20) / 20.0, auc, 1e-12, "a multiple of 1/20");
        assertTrue(fuz.scores().get(0).value() <= 0.5, "no highlighted token is predicted active: TPR 0");
    }

    @Test void noSilentRandomExcerptMakesDetectionUndefinedWithAReason() {
        FeatureRecords f = plantedCat();
        List<ActivationRecord> firing = f.random().subList(0, 10);
        FeatureRecords dense = new FeatureRecords(0, f.top(), firing);
        AutoInterp ai = new AutoInterp(new StatisticalExplainer(), RuleSimulator.factory(), SPLITS, List.of(ScorerKind.DETECTION), null);
        ExtraScoring.Outcome det = ai.score(dense, Explanation.ofText("the token \"cat\"")).extras().get(0);
        assertFalse(det.main().defined());
        assertEquals(Score.Status.EMPTY, det.main().status());
        assertTrue(det.note().contains("fires in all 10 random excerpts"), det.note());
    }

    @Test void aThrowingScorerFailsOnlyItself() {
        FeatureRecords f = plantedCat();
        FeatureSplits.Ready r = (FeatureSplits.Ready) FeatureSplits.of(f, SPLITS);
        Simulator broken = tokens -> { throw new InterpFailure("backend down"); };
        List<ExtraScoring.Outcome> o = ExtraScoring.run(List.of(ScorerKind.DETECTION, ScorerKind.FUZZING), f, r, SPLITS, broken, null, null);
        assertEquals(2, o.size());
        assertEquals("detection: backend down", o.get(0).failure());
        assertEquals(Score.Status.FAILED, o.get(1).scores().get(1).status());
        assertThrows(ConfigException.class, () -> new AutoInterp(new StatisticalExplainer(), RuleSimulator.factory(), SPLITS, List.of(ScorerKind.ABLATION), null));
    }

    @Test void scorerListParsing() {
        assertEquals(List.of(ScorerKind.SIMULATION), ScorerKind.parseList("simulation"));
        assertEquals(List.of(ScorerKind.SIMULATION, ScorerKind.DETECTION, ScorerKind.ABLATION), ScorerKind.parseList("ablation, detection"));
        ConfigException e = assertThrows(ConfigException.class, () -> ScorerKind.parseList("detection,nope"));
        assertEquals("unknown scorer 'nope'; use simulation, detection, fuzzing or ablation", e.getMessage());
        assertThrows(ConfigException.class, () -> ScorerKind.parseList("detection,,fuzzing"));
    }

    // ---- ablation on loupe-1l's MLP neurons ---------------------------------------------------

    static final Path MODEL = Path.of("..", "models", "loupe-1l");
    static final String HOOK = "blocks.0.mlp.hook_post";
    static final String[] TEXTS = {
        "public static void main(String[] args) { int count = 0; for (int i = 0; i < args.length; i++) count++; }",
        "import java.util.List; import java.util.Map; final class Box { private final int size; }",
        "if (x == null) throw new IllegalArgumentException(\"x is null\"); return x.hashCode();",
        "while (it.hasNext()) { String s = it.next(); if (s.isEmpty()) continue; out.add(s); }",
    };

    @Test void ablationOfAPerfectSimulationScoresOneAndTheMeanDoesNot() {
        Transformer model = ModelLoader.load(MODEL);
        Tokenizer tok = Tokenizers.load(MODEL.resolve("tokenizer.json"));
        AblationTarget target = new AblationTarget(model, HOOK, Baselines.neuronBasis(model.config().dMlp()), "loupe-1l");
        List<int[]> ids = new ArrayList<>();
        int len = Integer.MAX_VALUE;
        for (String t : TEXTS) len = Math.min(len, tok.encode(t, false).length);
        for (String t : TEXTS) ids.add(Arrays.copyOf(tok.encode(t, false), len));  // one length: the scorer runs them as one batch

        // the neuron basis encodes to the hook itself: activations equal the cached hook column;
        // the neuron whose activation varies most over these texts is the one ablated
        int dMlp = model.config().dMlp(), best = 0;
        double[] s = new double[dMlp], ss = new double[dMlp];
        int count = 0;
        for (int[] x : ids) {
            float[] post = model.runWithCache(new int[][] {x}, List.of(HOOK)).get(HOOK).data();  // [1, seq, d_mlp]
            for (int t = 0; t < x.length; t++) for (int n = 0; n < dMlp; n++) { s[n] += post[t * dMlp + n]; ss[n] += post[t * dMlp + n] * post[t * dMlp + n]; }
            count += x.length;
            float[] a = target.activations(List.of(new ActivationRecord(filled(x.length), new float[x.length], x, 0)), 7).get(0);
            for (int t = 0; t < x.length; t++) assertEquals(post[t * dMlp + 7], a[t], 0f);
        }
        for (int n = 1; n < dMlp; n++) if (ss[n] / count - Math.pow(s[n] / count, 2) > ss[best] / count - Math.pow(s[best] / count, 2)) best = n;
        List<ActivationRecord> recs = new ArrayList<>();
        Map<List<String>, double[]> truth = new HashMap<>();
        for (int[] x : ids) {
            String[] t = new String[x.length];
            for (int i = 0; i < x.length; i++) t[i] = tok.decode(new int[] {x[i]}, false) + "#" + i;  // unique per position
            float[] act = target.activations(List.of(new ActivationRecord(t, new float[x.length], x, 0)), best).get(0);
            double[] d = new double[act.length];
            for (int i = 0; i < d.length; i++) d[i] = act[i];
            truth.put(Arrays.asList(t), d);
            recs.add(new ActivationRecord(t, act, x, 0));
        }
        Simulator perfect = tokens -> truth.get(Arrays.asList(tokens)).clone();
        Simulator silent = tokens -> new double[tokens.length];
        FeatureRecords f = new FeatureRecords(best, recs, recs);
        FeatureSplits.Ready r = new FeatureSplits.Ready(best, List.of(), recs, List.of(), List.of());
        double[] identity = {1, 0};

        ExtraScoring.Outcome p = ExtraScoring.run(List.of(ScorerKind.ABLATION), f, r, SPLITS, perfect, identity, target).get(0);
        assertNull(p.failure());
        assertEquals(1.0, p.main().value(), 1e-9, p.detail());
        assertTrue(p.detail().matches("jsd_simulated 0\\.0+, jsd_mean \\S+ bits/token on loupe-1l at blocks.0.mlp.hook_post"), p.detail());

        double mean = 0, n = 0;
        for (ActivationRecord x : recs) for (float v : x.activations()) { mean += v; n++; }
        mean /= n;
        List<double[]> exact = recs.stream().map(x -> truth.get(Arrays.asList(x.tokens()))).toList();
        AblationScore.Result byTruth = target.score(best, recs, exact, mean);
        assertEquals(0.0, byTruth.jsdSimulated(), 1e-12);
        assertTrue(byTruth.jsdMean() > 1e-6, "replacing by the mean changes predictions: " + byTruth.jsdMean());

        // one batch of 4 = the 4 excerpts one by one (mean JSD per position, equal lengths)
        AblationScore.Result batched = target.score(best, recs, recs.stream().map(x -> new double[x.length()]).toList(), mean);
        double sumSim = 0, sumMean = 0;
        for (ActivationRecord x : recs) {
            AblationScore.Result one = target.score(best, List.of(x), List.of(new double[x.length()]), mean);
            sumSim += one.jsdSimulated() / recs.size();
            sumMean += one.jsdMean() / recs.size();
        }
        assertEquals(sumSim, batched.jsdSimulated(), 1e-5 * sumSim);
        assertEquals(sumMean, batched.jsdMean(), 1e-5 * sumMean);

        ExtraScoring.Outcome z = ExtraScoring.run(List.of(ScorerKind.ABLATION), f, r, SPLITS, silent, identity, target).get(0);
        assertTrue(z.main().value() < 1 - 1e-6, "an all-zero simulation is not perfect: " + z.main());
    }

    static String[] filled(int n) {
        String[] t = new String[n];
        Arrays.fill(t, "?");
        return t;
    }

    @Test void ablationTargetNeedsAModelAndKnownDirections() {
        DictionaryInfo pca = new DictionaryInfo(1, "pca@h", 1, HOOK, "pca", 512, 64, null, "{}", "{}", 1);
        ConfigException noModel = assertThrows(ConfigException.class, () -> AblationTarget.resolve(pca, null, null, null));
        assertEquals("the ablation scorer needs --model DIR (the model dictionary pca@h was analysed on)", noModel.getMessage());
        ConfigException noDirections = assertThrows(ConfigException.class, () -> AblationTarget.resolve(pca, null, MODEL, null));
        assertTrue(noDirections.getMessage().contains("which the store does not record; pass --sae FILE|DIR"), noDirections.getMessage());
        DictionaryInfo wide = new DictionaryInfo(1, "neurons@h", 1, "blocks.0.hook_resid_post", "neurons", 512, 512, null, "{}", "{}", 1);
        ConfigException width = assertThrows(ConfigException.class, () -> AblationTarget.resolve(wide, null, MODEL, null));
        assertTrue(width.getMessage().contains("has width 128 but dictionary neurons@h reads 512"), width.getMessage());
    }

    @Test void ablationTargetReadsTheSavedBaselineTheStoreRecords(@org.junit.jupiter.api.io.TempDir Path dir) {
        Baselines.randomDirections(512, 16, 3).save(dir.resolve("random.safetensors"));
        DictionaryInfo rec = new DictionaryInfo(1, "random", 1, HOOK, "random", 512, 16, "random.safetensors", "{}", "{}", 1);
        AblationTarget t = AblationTarget.resolve(rec, dir, MODEL, null);  // relative path: next to the store
        assertArrayEquals(Baselines.randomDirections(512, 16, 3).direction(5), t.dictionary().direction(5));
        DictionaryInfo wrong = new DictionaryInfo(1, "random", 1, HOOK, "random", 512, 32, null, "{}", "{}", 1);
        ConfigException e = assertThrows(ConfigException.class, () -> AblationTarget.resolve(wrong, dir, MODEL, dir.resolve("random.safetensors")));
        assertTrue(e.getMessage().contains("is 512 x 16 but the store says 512 x 32"), e.getMessage());
    }
}
