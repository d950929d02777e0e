// Test helpers: the built-in model loupe-1l, random token windows, and hand-built standard SAEs
// whose features are chosen unit directions with chosen thresholds (f = ReLU(x . e - t)), so the
// test knows exactly where each feature fires and with what activation.
package dev.loupe.features;

import dev.loupe.corpus.TokenWindows;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.sae.Sae;
import dev.loupe.sae.SaeConfig;
import dev.loupe.sae.Saes;
import dev.loupe.store.AnalysisWriter;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.ModelInfo;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;
import dev.loupe.util.Rng;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

final class Planted {
    static final Path MODEL = Path.of("..", "models", "loupe-1l");
    private static Transformer model;
    private static Tokenizer tok;

    private Planted() {}

    static synchronized Transformer model() {
        if (model == null) model = ModelLoader.load(MODEL);
        return model;
    }

    static synchronized Tokenizer tokenizer() {
        if (tok == null) tok = Tokenizers.load(ModelLoader.tokenizerNextTo(MODEL));
        return tok;
    }

    /** n windows of seq uniformly random token ids (seeded), document w, start 0. */
    static List<TokenWindows.Window> randomWindows(int n, int seq, int vocab, long seed) {
        Rng r = new Rng(seed);
        List<TokenWindows.Window> out = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            int[] t = new int[seq];
            for (int s = 0; s < seq; s++) t[s] = r.nextInt(vocab);
            out.add(new TokenWindows.Window(t, w, 0));
        }
        return out;
    }

    /** A standard SAE with feature k = ReLU(x . dirs[k] - thresholds[k]) and decoder row dirs[k] (dirs are unit vectors). */
    static Sae sae(int dIn, float[][] dirs, float[] thresholds) {
        int s = dirs.length;
        Sae sae = Saes.empty(SaeConfig.of("standard", dIn, s, 0, false));
        float[] wEnc = sae.param("W_enc").data(), wDec = sae.param("W_dec").data(), bEnc = sae.param("b_enc").data();
        for (int k = 0; k < s; k++) {
            for (int j = 0; j < dIn; j++) { wEnc[j * s + k] = dirs[k][j]; wDec[k * dIn + j] = dirs[k][j]; }
            bEnc[k] = -thresholds[k];
        }
        return sae;
    }

    static float[] unit(int d, int i) {
        float[] e = new float[d];
        e[i] = 1;
        return e;
    }

    /** Registers model and dictionary in the store and starts an analysis of it. */
    static AnalysisWriter begin(FeatureStore s, String name, String hook, int dIn, int dFeatures) {
        long m = s.putModel(ModelInfo.of("loupe-1l", "GPT2LMHeadModel", MODEL.toString()));
        long d = s.putDictionary(DictionaryInfo.of(name, m, hook, "standard", dIn, dFeatures));
        return s.beginAnalysis(d, "{}");
    }
}
