package dev.loupe.intervene;

import dev.loupe.activations.HarvestOptions;
import dev.loupe.activations.Harvester;
import dev.loupe.corpus.CorpusOptions;
import dev.loupe.corpus.Corpora;
import dev.loupe.corpus.Document;
import dev.loupe.corpus.TextCorpus;
import dev.loupe.corpus.TokenWindows;
import dev.loupe.dictionary.Baselines;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.Transformer;
import dev.loupe.sae.io.SaeFolders;
import dev.loupe.sae.train.ArraySource;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.util.ConfigException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A dictionary at a hook point, with a display name: what every intervention reads. {@link #resolve}
 * turns the CLI's choice into one: an SAE folder (SAELens / sparsify, via {@link SaeFolders}) or a
 * baseline of Cunningham et al. 2023 ({@code neurons}, {@code random}, {@code pca}, {@code ica}) fitted
 * on the hook's activations over a few corpus windows.
 */
public record Site(String name, String hook, Dictionary dict) {
    public static final List<String> BASELINES = List.of("neurons", "pca", "ica", "random");

    /**
     * @param spec       a baseline name or an SAE folder
     * @param components baseline size (0: the hook's width); PCA/ICA at most the width
     * @param fitWindows token windows whose activations fit PCA/ICA (asked for only then)
     */
    public static Site resolve(String spec, Transformer model, String hook, int components, long seed, Supplier<int[][]> fitWindows) {
        model.hooks().checkName(hook);
        if (!BASELINES.contains(spec)) {
            Path dir = Path.of(spec);
            if (!Files.isDirectory(dir))
                throw new ConfigException("'" + spec + "' is neither a baseline (" + String.join(", ", BASELINES) + ") nor an SAE folder");
            Dictionary sae = SaeFolders.read(dir);
            return new Site(dir.getFileName().toString(), hook, sae);
        }
        int width = hookWidth(model, hook);
        int m = components > 0 ? components : width;
        Dictionary d = switch (spec) {
            case "neurons" -> Baselines.neuronBasis(width);
            case "random" -> Baselines.randomDirections(width, m, seed);
            default -> {
                float[] rows = Harvester.collect(model, hook, fitWindows.get(), HarvestOptions.everyPosition(16));   // [n, width]
                var source = new ArraySource(rows, width);
                yield spec.equals("pca") ? Baselines.pca(source, rows.length / width, m) : Baselines.ica(source, rows.length / width, m, seed, 200);
            }
        };
        return new Site(spec + (spec.equals("neurons") ? "" : "-" + m), hook, d);
    }

    /** Width of a hook's activation (its last dimension), from a one-token forward pass. */
    public static int hookWidth(Transformer model, String hook) {
        return model.runWithCache(new int[][]{{0}}, List.of(hook)).get(hook).dim(-1);
    }

    /**
     * Up to {@code count} windows of {@code context} tokens (BOS first) from a corpus: first from the
     * 1-in-{@code spread} documents picked by a name hash, so they come from across the whole corpus,
     * then (for small corpora) from the other documents.
     */
    public static int[][] corpusWindows(Path corpus, Tokenizer tok, int context, int count, int spread) {
        if (!Files.exists(corpus)) throw new ConfigException("corpus " + corpus + " does not exist: pass a text directory, a .zip or a .jsonl file");
        List<int[]> out = new ArrayList<>();
        for (boolean picked : new boolean[]{true, false}) {
            if (out.size() >= count) break;
            try (Stream<Document> docs = Corpora.open(corpus, CorpusOptions.defaults().withExtensions("java", "txt", "md")).documents()) {
                Iterator<Document> it = docs.filter(d -> (TextCorpus.bucket(d.id(), "intervene", spread) == 0) == picked).iterator();
                var windows = new TokenWindows(it, tok, TokenWindows.Options.of(context, tok, true));
                while (windows.hasNext() && out.size() < count) out.add(windows.next().tokens());
            }
        }
        if (out.isEmpty()) throw new ConfigException("corpus " + corpus + " gave no windows of " + context + " tokens; use a larger corpus or a smaller context");
        return out.toArray(int[][]::new);
    }
}
