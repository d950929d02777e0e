// The browser's LiveModel over Loupe's own engine: one transformer (HF directory or llama2.c .bin)
// with its tokenizer, and the store's dictionaries that read one of its hooks. SAEs open from their
// SAELens/sparsify folder (DictionaryInfo.path), saved baselines from their LinearDictionary file,
// and a "neurons" dictionary without a file is the neuron basis of its hook.
// topFeatures runs the model to the hook (runWithCache stops after the hook's block) and encodes;
// steer delegates to dev.loupe.intervene.Steering (greedy, feature activations clamped at the hook).
// Not thread-safe (the server serialises calls, LiveModel's contract). Inputs are BOS + the text's
// tokens, as the analysis windows are (TokenWindows.Options.of(ctx, tok, true)); BOS is not shown.
package dev.loupe.server;

import dev.loupe.corpus.TokenWindows;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.intervene.FeatureEdit;
import dev.loupe.intervene.Steering;
import dev.loupe.model.Sampling;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.store.DictionaryFiles;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.FeatureStore;
import dev.loupe.tensor.Tensor;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;
import dev.loupe.util.ConfigException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

public final class EngineLiveModel implements LiveModel {
    /** A dictionary the model can run: the hook it reads and its encoder/decoder. */
    public record Loaded(String hook, Dictionary dictionary) {}

    private final String name;
    private final Transformer model;
    private final Tokenizer tok;
    private final int bos;                       // prepended to every input, as in the analysis windows; -1 for none
    private final Map<String, Loaded> dicts;     // store name -> dictionary, in store order

    public EngineLiveModel(String name, Transformer model, Tokenizer tok, Map<String, Loaded> dictionaries) {
        if (dictionaries.isEmpty()) throw new ConfigException("the live model " + name + " has no dictionaries to encode with");
        for (var e : dictionaries.entrySet()) {
            Loaded l = e.getValue();
            int width = hookWidth(model, l.hook());
            if (l.dictionary().dIn() != width)
                throw new ConfigException("dictionary " + e.getKey() + " reads " + l.dictionary().dIn() + "-wide activations but hook "
                        + l.hook() + " of " + name + " is " + width + " wide; serve it with the model it was trained on");
        }
        this.name = name;
        this.model = model;
        this.tok = tok;
        this.bos = tok.bosId().isPresent() || tok.eosId().isPresent() ? TokenWindows.bosOrEos(tok) : -1;
        this.dicts = new LinkedHashMap<>(dictionaries);
    }

    /**
     * Loads the model at {@code modelDir} (tokenizer next to it unless given) and every dictionary of the
     * store that reads one of its hooks with the right width; the others are reported to {@code log} (may be null) and skipped.
     */
    public static EngineLiveModel load(Path modelDir, Path tokenizer, FeatureStore store, Consumer<String> log) {
        Transformer model = ModelLoader.load(modelDir);
        Tokenizer tok = Tokenizers.load(tokenizer != null ? tokenizer : ModelLoader.tokenizerNextTo(modelDir));
        Map<String, Loaded> dicts = new LinkedHashMap<>();
        Path storeDir = store.path().toAbsolutePath().getParent();
        Map<String, Integer> widths = new LinkedHashMap<>();
        for (DictionaryInfo d : store.dictionaries()) {
            String why = null;
            if (!model.hookNames().contains(d.hook())) why = "the model has no hook " + d.hook();
            else if (widths.computeIfAbsent(d.hook(), h -> hookWidth(model, h)) != d.dIn())
                why = "d_in " + d.dIn() + " differs from the hook's width " + widths.get(d.hook());
            else if (d.path() == null && !d.kind().equals("neurons")) why = "the store records no file for it";
            if (why == null) {
                dicts.put(d.name(), new Loaded(d.hook(), open(d, storeDir)));
            } else if (log != null) {
                log.accept("live model: skipping dictionary " + d.name() + " (" + why + ")");
            }
        }
        if (dicts.isEmpty())
            throw new ConfigException("none of the store's dictionaries reads a hook of " + modelDir + " with a saved file; serve without --model, "
                    + "or pass the model the dictionaries were trained on");
        return new EngineLiveModel(modelDir.toAbsolutePath().normalize().getFileName().toString(), model, tok, dicts);
    }

    /** The dictionary a store record names ({@link DictionaryFiles#open}). */
    public static Dictionary open(DictionaryInfo d, Path storeDir) { return DictionaryFiles.open(d, storeDir); }

    @Override public String name() { return name; }

    @Override public List<String> dictionaries() { return List.copyOf(dicts.keySet()); }

    @Override public List<TokenFeatures> topFeatures(String dictionary, String text, int k) {
        Loaded l = loaded(dictionary);
        int[] ids = input(text);
        Tensor acts = model.runWithCache(new int[][] {ids}, List.of(l.hook())).get(l.hook());   // [1, seq, dIn]
        int seq = ids.length, dIn = l.dictionary().dIn(), m = l.dictionary().dFeatures();
        float[] codes = l.dictionary().encode(acts.reshape(seq, dIn)).data();                   // [seq, dFeatures]
        int first = bos >= 0 ? 1 : 0;
        List<TokenFeatures> out = new ArrayList<>(seq - first);
        for (int t = first; t < seq; t++) out.add(new TokenFeatures(tok.displayToken(ids[t]), top(codes, t * m, m, k)));
        return out;
    }

    @Override public Steered steer(String dictionary, String prompt, List<Steer> features, int maxNewTokens) {
        Loaded l = loaded(dictionary);
        int room = model.config().nCtx() - tok.encode(prompt, true).length;     // Steering encodes the prompt so
        if (room < 1) throw new ConfigException("the prompt fills the model's context of " + model.config().nCtx() + " tokens; shorten it");
        List<FeatureEdit> edits = features.stream().map(s -> FeatureEdit.clamp(s.feature(), s.strength())).toList();
        Steering.Steered r = Steering.compare(model, tok, l.hook(), l.dictionary(), edits, prompt, Math.min(maxNewTokens, room), Sampling.greedyDecoding());
        return new Steered(r.steered(), r.unsteered());
    }

    /** BOS (when the tokenizer has one) + the text's tokens, checked against the context. */
    private int[] input(String text) {
        int[] body = tok.encode(text, false);
        if (body.length == 0) throw new ConfigException("the text has no tokens; type something");
        int[] ids = new int[body.length + (bos >= 0 ? 1 : 0)];
        if (bos >= 0) ids[0] = bos;
        System.arraycopy(body, 0, ids, ids.length - body.length, body.length);
        if (ids.length > model.config().nCtx())
            throw new ConfigException("the text is " + ids.length + " tokens; the model's context is " + model.config().nCtx() + " tokens, shorten it");
        return ids;
    }

    private Loaded loaded(String dictionary) {
        Loaded l = dicts.get(dictionary);
        if (l == null) throw new ConfigException("the live model has no dictionary '" + dictionary + "'; it has " + String.join(", ", dicts.keySet()));
        return l;
    }

    /** The k largest positive values of row codes[off, off+m), largest first (ties: lower index first). */
    static List<FeatureAct> top(float[] codes, int off, int m, int k) {
        List<FeatureAct> best = new ArrayList<>(k + 1);
        for (int i = 0; i < m; i++) {
            float v = codes[off + i];
            if (!(v > 0) || (best.size() == k && v <= best.get(k - 1).activation())) continue;
            int at = best.size();
            while (at > 0 && best.get(at - 1).activation() < v) at--;
            best.add(at, new FeatureAct(i, v));
            if (best.size() > k) best.remove(k);
        }
        return best;
    }

    /** Width of one position's activation at {@code hook} (product of the dims after [batch, seq]), from a one-token run. */
    private static int hookWidth(Transformer model, String hook) {
        if (!model.hookNames().contains(hook)) throw new ConfigException("the model has no hook " + hook + "; see `loupe info` for its hook names");
        int[] shape = model.runWithCache(new int[][] {{0}}, List.of(hook)).get(hook).shape();
        int w = 1;
        for (int i = 2; i < shape.length; i++) w *= shape[i];
        return w;
    }
}
