package dev.loupe.interp;

import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.store.DictionaryFiles;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where the ablation scorer intervenes: a model, the hook a dictionary reads, and the dictionary
 * (its decoder rows are the feature directions, its encoder gives the feature's activation on the
 * excerpt being ablated). Not thread-safe by nature — {@link Transformer#runWithHooks} registers its
 * hooks on the shared model — so every forward pass here holds the model's lock.
 *
 * <p>{@link #resolve} finds the dictionary of a feature store record as the server's live model
 * does ({@link DictionaryFiles#open}: the SAE folder or saved baseline file the store recorded, or
 * the neuron basis), unless a file is given. PCA, ICA and random directions fitted by
 * {@code loupe analyze} itself are not saved, so those need the file passed explicitly.
 */
public record AblationTarget(Transformer model, String hook, Dictionary dictionary, String modelName) {
    public AblationTarget {
        model.hooks().checkName(hook);
    }

    /**
     * @param storeDir folder of the feature store (relative dictionary paths are resolved against it)
     * @param modelDir the model the dictionary was analysed on (required: the store's path may be a
     *                 random-weights copy's source, and models move)
     * @param file     an SAE folder or saved dictionary file overriding the store's record, or null
     */
    public static AblationTarget resolve(DictionaryInfo d, Path storeDir, Path modelDir, Path file) {
        if (modelDir == null) throw new ConfigException("the ablation scorer needs --model DIR (the model dictionary " + d.name() + " was analysed on)");
        Dictionary dict;
        if (file != null) dict = DictionaryFiles.checked(d, file);
        else if (d.path() != null || d.kind().equals("neurons")) dict = DictionaryFiles.open(d, storeDir);
        else throw new ConfigException("the ablation scorer needs the directions of dictionary " + d.name() + " (kind " + d.kind()
                    + "), which the store does not record; pass --sae FILE|DIR (an SAE folder or a saved baseline)");
        Transformer m = ModelLoader.load(modelDir);
        AblationTarget t = new AblationTarget(m, d.hook(), dict, modelDir.getFileName().toString());
        int width = t.capture(new int[][] {{0}}).dim(-1);
        if (width != d.dIn())
            throw new ConfigException("hook " + d.hook() + " of model " + modelDir + " has width " + width + " but dictionary " + d.name() + " reads " + d.dIn());
        return t;
    }

    /**
     * The activation of {@code feature} at every position of each excerpt, encoded from the hook's
     * value when the excerpt is run alone (excerpts of one length in one batch) — the values the
     * ablation patch replaces. The store's activations were computed inside a longer context window
     * and differ near the excerpt start.
     */
    public List<float[]> activations(List<ActivationRecord> records, int feature) {
        float[][] out = new float[records.size()][];
        for (List<Integer> group : AblationScore.byLength(records)) {
            int seq = records.get(group.get(0)).length();
            int[][] ids = new int[group.size()][];
            for (int b = 0; b < ids.length; b++) ids[b] = records.get(group.get(b)).tokenIds();
            Tensor act = capture(ids);  // [batch, seq, dIn]
            int d = act.dim(-1), f = dictionary.dFeatures();
            Tensor codes = dictionary.encode(new Tensor(act.data(), ids.length * seq, d));  // [batch·seq, dFeatures]
            for (int b = 0; b < ids.length; b++) {
                float[] a = new float[seq];
                for (int t = 0; t < seq; t++) a[t] = codes.data()[(b * seq + t) * f + feature];
                out[group.get(b)] = a;
            }
        }
        return List.of(out);
    }

    /** {@link AblationScore#score} on this model, hook and the feature's decoder row, under the model's lock. */
    public AblationScore.Result score(int feature, List<ActivationRecord> records, List<double[]> replacement, double mean) {
        synchronized (model) {
            return AblationScore.score(model, hook, dictionary.direction(feature), records, replacement, mean);
        }
    }

    /** A copy of the hook's value on a batch of equal-length sequences, [batch, seq, dIn]. */
    private Tensor capture(int[][] ids) {
        Tensor[] kept = new Tensor[1];
        synchronized (model) {
            model.runWithHooks(ids, Map.of(hook, (act, ctx) -> { kept[0] = act.copy(); return act; }));
        }
        return kept[0];
    }
}
