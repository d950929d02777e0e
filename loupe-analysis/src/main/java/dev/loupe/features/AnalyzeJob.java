// What `loupe analyze` does, as a library call: load a model and its tokenizer, build the
// dictionary (an SAE folder or a baseline basis: neurons, random, PCA or ICA fitted on the
// training split's activations), register both in the feature store, stream the held-out split of
// TextCorpus (the same split train-lm uses) through FeatureAnalyzer and commit. A killed job leaves
// the store's previous analysis in place (AnalysisWriter). Not the analysis itself.
package dev.loupe.features;

import dev.loupe.corpus.TokenWindows;
import dev.loupe.activations.CorpusHarvest;
import dev.loupe.activations.HarvestOptions;
import dev.loupe.activations.Harvester;
import dev.loupe.dictionary.Baselines;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.RandomInit;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.sae.io.SaeFolders;
import dev.loupe.sae.train.ArraySource;
import dev.loupe.store.AnalysisWriter;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.ModelInfo;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;
import dev.loupe.util.ConfigException;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;

public record AnalyzeJob(Path model, Path store, Path sae, String baseline, int baselineFeatures, String hook, Path corpus,
                         long tokens, String name, AnalysisOptions options, Long randomWeights) {
    /** Training-split activation rows PCA and ICA are fitted on. */
    public static final int FIT_ROWS = 20_000;
    public static final List<String> BASELINES = List.of("neurons", "random", "pca", "ica");

    public AnalyzeJob {
        if ((sae == null) == (baseline == null)) throw new ConfigException("give exactly one of --sae DIR or --baseline " + String.join("|", BASELINES));
        if (baseline != null && !BASELINES.contains(baseline))
            throw new ConfigException("--baseline " + baseline + " is not one of " + String.join(", ", BASELINES));
        if (tokens < 1) throw new ConfigException("--tokens " + tokens + " must be >= 1");
        if (hook == null || hook.isBlank()) throw new ConfigException("--hook is required, e.g. blocks.0.mlp.hook_post or blocks.0.hook_resid_post");
        if (options == null) options = AnalysisOptions.defaults();
    }

    public AnalysisSummary run(PrintWriter log) {
        // The random-weights control (Cunningham et al.): same architecture, re-initialised with this seed.
        Transformer m = randomWeights == null ? ModelLoader.load(model) : RandomInit.like(ModelLoader.load(model), randomWeights);
        if (!m.hookNames().contains(hook))
            throw new ConfigException("model " + model + " has no hook '" + hook + "'; it has e.g. " + String.join(", ", m.hookNames().subList(0, Math.min(6, m.hookNames().size()))) + ", ...");
        Tokenizer tok = Tokenizers.load(ModelLoader.tokenizerNextTo(model));
        Dictionary dict = dictionary(m, tok);
        String dictName = name != null ? name : (sae != null ? fileName(sae) : baseline + "@" + hook) + (randomWeights == null ? "" : "@random-weights");
        try (CorpusHarvest.Windows ws = CorpusHarvest.windows(corpus, true, tok, m, m.config().nCtx());   // fails on a bad corpus before the store is touched
             FeatureStore s = FeatureStore.open(store)) {
            String modelName = fileName(model) + (randomWeights == null ? "" : "-random-weights-" + randomWeights);
            long modelId = s.putModel(ModelInfo.of(modelName, m.config().name(), model.toAbsolutePath().toString()));
            long dictId = s.putDictionary(DictionaryInfo.of(dictName, modelId, hook, dict.kind(), dict.dIn(), dict.dFeatures())
                    .withPath(sae == null ? null : sae.toAbsolutePath().toString()));
            String provenance = String.format(Locale.ROOT, "{\"corpus\":\"%s\",\"split\":\"held-out\",\"tokens\":%d,\"hook\":\"%s\"}",
                    (corpus == null ? "default" : corpus.toString()).replace("\\", "\\\\").replace("\"", "'"), tokens, hook);
            try (AnalysisWriter out = s.beginAnalysis(dictId, provenance)) {
                AnalysisSummary r = FeatureAnalyzer.analyze(m, tok, hook, dict, limit(ws, tokens, m.config().nCtx()), options, out, lines(log));
                out.commit();
                log.printf(Locale.ROOT, "analyzed %s (%s, %d features) on %,d held-out tokens: %d dead, mean L0 %.1f, ablation %s (samples for %d features, from %s)%n",
                        dictName, dict.kind(), dict.dFeatures(), r.tokens(), r.deadFeatures(), r.meanL0(), r.ablation(), r.ablationFeatures(),
                        r.ablationWindows() == 0 ? "the whole corpus" : r.ablationWindows() + " sampled windows");
                log.printf(Locale.ROOT, "time: forward %.1fs, encode %.1fs, statistics %.1fs, pages %.1fs; wrote %s%n",
                        r.forwardSeconds(), r.encodeSeconds(), r.statsSeconds(), r.finishSeconds(), store);
                log.flush();
                return r;
            }
        }
    }

    /** A PrintStream that hands each completed line to a PrintWriter (FeatureAnalyzer reports progress to a stream). */
    private static PrintStream lines(PrintWriter w) {
        return new PrintStream(new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();
            @Override public void write(int b) {
                line.write(b);
                if (b == '\n') flush();
            }
            @Override public void flush() {
                w.print(line.toString(StandardCharsets.UTF_8));
                w.flush();
                line.reset();
            }
        }, true, StandardCharsets.UTF_8);
    }

    private Dictionary dictionary(Transformer m, Tokenizer tok) {
        if (sae != null) return SaeFolders.read(sae);
        // Neurons and random directions only need the hook's width (one window); PCA and ICA are
        // fitted on the activations of the first FIT_ROWS training-split tokens, every position kept.
        boolean fitted = baseline.equals("pca") || baseline.equals("ica");
        int ctx = m.config().nCtx();
        int[][] fit;
        try (CorpusHarvest.Windows train = CorpusHarvest.windows(corpus, false, tok, m, ctx)) {
            fit = train.take(fitted ? (FIT_ROWS + ctx - 1) / ctx : 1);
        }
        if (fit.length == 0) throw new ConfigException("the corpus's training split has no full context window to fit " + baseline + " on; use a larger corpus");
        float[] rows = Harvester.collect(m, hook, fit, HarvestOptions.everyPosition(32));   // [windows·ctx, dIn]
        int dIn = rows.length / (fit.length * ctx);
        int k = baselineFeatures > 0 ? baselineFeatures : dIn;
        return switch (baseline) {
            case "neurons" -> Baselines.neuronBasis(dIn);
            case "random" -> Baselines.randomDirections(dIn, k, options.seed());
            case "pca" -> Baselines.pca(new ArraySource(rows, dIn), rows.length / dIn, k);
            default -> Baselines.ica(new ArraySource(rows, dIn), rows.length / dIn, k, options.seed(), 200);
        };
    }

    /** The first ceil(tokens / context) windows. */
    public static Iterator<TokenWindows.Window> limit(Iterator<TokenWindows.Window> it, long tokens, int context) {
        long max = (tokens + context - 1) / context;
        return new Iterator<>() {
            long n;
            @Override public boolean hasNext() { return n < max && it.hasNext(); }
            @Override public TokenWindows.Window next() {
                if (!hasNext()) throw new NoSuchElementException();
                n++;
                return it.next();
            }
        };
    }

    private static String fileName(Path p) {
        Path f = p.toAbsolutePath().normalize().getFileName();
        return f == null ? p.toString() : f.toString();
    }
}
