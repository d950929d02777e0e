package dev.loupe.cli;

import dev.loupe.corpus.TextCorpus;
import dev.loupe.intervene.Site;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;
import dev.loupe.util.ConfigException;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Options shared by {@code ablate}, {@code patch}, {@code trace} and {@code steer}: model, hook, dictionary. */
final class InterveneOptions {
    @Option(names = "--model", required = true, description = "HF model directory or llama2.c .bin file.")
    Path model;
    @Option(names = "--tokenizer", description = "Tokenizer file (default: next to the model).")
    Path tokenizer;
    @Option(names = "--hook", required = true, description = "Hook point the dictionary reads, e.g. blocks.0.hook_resid_mid.")
    String hook;
    @Option(names = "--sae", paramLabel = "DIR", description = "SAE folder (SAELens or sparsify); repeatable where a verb compares dictionaries.")
    List<Path> saes = new ArrayList<>();
    @Option(names = "--baseline", paramLabel = "KIND", description = "Baseline dictionary: neurons, pca, ica or random; repeatable like --sae.")
    List<String> baselines = new ArrayList<>();
    @Option(names = "--components", defaultValue = "0", description = "Baseline size (default: the hook's width).")
    int components;
    @Option(names = "--corpus", paramLabel = "PATH", description = "Text for fitting PCA/ICA and for windows (default: the JDK's src.zip).")
    Path corpus;
    @Option(names = "--fit-windows", defaultValue = "64", description = "Corpus windows whose activations fit PCA/ICA (default: ${DEFAULT-VALUE}).")
    int fitWindows;
    @Option(names = "--seed", defaultValue = "1", description = "Seed for random/ICA baselines and resampling (default: ${DEFAULT-VALUE}).")
    long seed;

    private Transformer loaded;
    private Tokenizer tok;

    Transformer model() {
        if (loaded == null) loaded = ModelLoader.load(model);
        return loaded;
    }

    Tokenizer tokenizer() {
        if (tok == null) tok = Tokenizers.load(tokenizer != null ? tokenizer : ModelLoader.tokenizerNextTo(model));
        return tok;
    }

    /** Up to {@code n} corpus windows of up to 64 tokens (the model's context if shorter). */
    int[][] windows(int n) {
        Path c = corpus != null ? corpus : TextCorpus.defaultCorpus();
        return Site.corpusWindows(c, tokenizer(), Math.min(64, model().config().nCtx()), n, 16);
    }

    /** Every dictionary given (--sae first, then --baseline), at {@code --hook}. */
    List<Site> sites() {
        List<Site> out = new ArrayList<>();
        for (Path p : saes) out.add(resolve(p.toString(), hook));
        for (String b : baselines) {
            if (!Site.BASELINES.contains(b)) throw new ConfigException("--baseline must be one of " + String.join(", ", Site.BASELINES) + ", got '" + b + "'");
            out.add(resolve(b, hook));
        }
        if (out.isEmpty()) throw new ConfigException("give a dictionary: --sae DIR or --baseline neurons|pca|ica|random");
        return out;
    }

    /** Exactly one dictionary, for verbs that do not compare. */
    Site site() {
        if (saes.size() + baselines.size() != 1) throw new ConfigException("give exactly one of --sae DIR or --baseline KIND for this verb");
        return sites().get(0);
    }

    Site resolve(String spec, String hookName) {
        return Site.resolve(spec, model(), hookName, components, seed, () -> windows(fitWindows));
    }
}
