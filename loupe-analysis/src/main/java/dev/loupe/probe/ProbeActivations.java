// Turns a ProbeDataset into labelled activation rows: runs the model over each example's tokens
// (BOS first, cut into context-length windows, each with its own BOS), records one hook (neurons:
// blocks.{l}.mlp.hook_post; trailing dims of other hooks are flattened into units), optionally
// encodes the token rows with a Dictionary (feature codes), and keeps one row per labelled token
// (token level, label by the token's last character: TokenAlignment) or one aggregated row per
// example (sequence level: last token, mean or max over its tokens, after encoding). Precomputed
// datasets skip the model. Groups are hashed from the example's "group" so the split by document
// does not depend on which other documents are present. Not a probe (ProbeSweep) and not a cache:
// rows live in memory, capped by maxRows.
package dev.loupe.probe;

import dev.loupe.corpus.TextCorpus;
import dev.loupe.corpus.TokenWindows;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.Transformer;
import dev.loupe.tensor.Tensor;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.util.ConfigException;

import java.util.Arrays;
import java.util.List;

public final class ProbeActivations {
    private ProbeActivations() {}

    /** Labelled rows: x [n, units], a class per row (never -1 here) and a group id per row. */
    public record Rows(float[] x, int n, int units, int[] labels, long[] groups) {
        /** Binary probe data for one class against all others. */
        public ProbeData binary(int positiveClass) {
            int[] y = new int[n];
            for (int i = 0; i < n; i++) y[i] = labels[i] == positiveClass ? 1 : 0;
            return new ProbeData(x, n, units, y, groups);
        }

        public long count(int label) { return Arrays.stream(labels).filter(v -> v == label).count(); }
    }

    /** Neuron rows, feature rows (null without a dictionary; same labels and groups), and what was read. */
    public record Result(Rows neurons, Rows features, int examples, long tokens) {}

    /** Where activations come from: the model, the tokenizer it was trained with and the hook to read. */
    public record Source(Transformer model, Tokenizer tokenizer, String hook) {
        public Source {
            if (!model.hookNames().contains(hook))
                throw new ConfigException("hook '" + hook + "' is not a hook of this model; e.g. blocks.0.mlp.hook_post (`loupe inspect` lists them)");
        }
    }

    /**
     * Rows of a text dataset from a model (source) or of a precomputed dataset (source null).
     * dictionary may be null; aggregation overrides the dataset's for sequence labels (null: the dataset's).
     */
    public static Result collect(ProbeDataset ds, Source source, Dictionary dictionary, ProbeDataset.Aggregation aggregation, int maxRows) {
        if (maxRows < 2) throw new ConfigException("max rows " + maxRows + " must be at least 2");
        if (ds.precomputed() != (source == null))
            throw new ConfigException(ds.precomputed() ? "dataset " + ds.header().concept() + " holds precomputed activations; run it without --model"
                    : "dataset " + ds.header().concept() + " holds text; give --model (and --hook) to compute activations");
        boolean seq = ds.header().level() == ProbeDataset.Level.SEQUENCE;
        ProbeDataset.Aggregation agg = aggregation != null ? aggregation : ds.header().aggregation();
        Builder neurons = null, features = null;
        int examples = 0;
        long tokens = 0;
        for (ProbeDataset.Example e : ds.examples()) {
            if (neurons != null && neurons.n >= maxRows) break;
            Labelled t = source == null ? precomputed(e, seq) : fromModel(e, source, seq);
            if (neurons == null) {
                neurons = new Builder(t.units, maxRows);
                if (dictionary != null) {
                    if (dictionary.dIn() != t.units)
                        throw new ConfigException("the dictionary reads " + dictionary.dIn() + "-wide activations but the hook gives " + t.units + "; give an SAE trained on this hook");
                    features = new Builder(dictionary.dFeatures(), maxRows);
                }
            } else if (t.units != neurons.units) throw new ConfigException("example " + e.id() + " gives " + t.units + " units, earlier ones " + neurons.units);
            long group = TextCorpus.bucket(e.group(), "probe-group", Integer.MAX_VALUE);
            examples++;
            tokens += t.tokens;
            add(neurons, t.x, t.tokens, t.units, t.labels, e.label(), seq, agg, group, maxRows);
            if (features != null) {
                float[] codes = dictionary.encode(new Tensor(t.x, t.tokens, t.units)).data();   // [tokens, dFeatures]
                add(features, codes, t.tokens, dictionary.dFeatures(), t.labels, e.label(), seq, agg, group, maxRows);
            }
        }
        if (neurons == null || neurons.n < 2) throw new ConfigException("dataset " + ds.header().concept() + " gave fewer than 2 labelled rows; label more tokens or examples");
        return new Result(neurons.build(), features == null ? null : features.build(), examples, tokens);
    }

    /** One example's token activations [tokens, units] with a class per token (-1: unlabelled). */
    private record Labelled(float[] x, int tokens, int units, int[] labels) {}

    private static Labelled precomputed(ProbeDataset.Example e, boolean seq) {
        int t = seq ? 1 : e.tokenLabels().length;
        return new Labelled(e.activations(), t, e.activations().length / t, seq ? new int[] {e.label()} : e.tokenLabels());
    }

    private static Labelled fromModel(ProbeDataset.Example e, Source src, boolean seq) {
        TokenAlignment.Aligned a = TokenAlignment.align(src.tokenizer(), e.text());
        if (a.size() == 0) throw new ConfigException("example " + e.id() + " has no tokens; give it some text");
        int bos = TokenWindows.bosOrEos(src.tokenizer()), body = src.model().config().nCtx() - 1;
        if (seq && a.size() > body)
            throw new ConfigException("example " + e.id() + " has " + a.size() + " tokens, more than the model's context of " + body + " after BOS; shorten it");
        float[] x = null;
        int units = -1;
        for (int from = 0; from < a.size(); from += body) {
            int len = Math.min(body, a.size() - from);
            int[] w = new int[len + 1];
            w[0] = bos;
            System.arraycopy(a.ids(), from, w, 1, len);
            Tensor act = src.model().runWithCache(new int[][] {w}, List.of(src.hook())).get(src.hook());   // [1, len+1, ...]
            int u = act.numel() / (len + 1);
            if (x == null) { units = u; x = new float[a.size() * units]; }
            System.arraycopy(act.data(), units, x, from * units, len * units);     // drop the BOS position
        }
        int[] labels = new int[a.size()];
        for (int i = 0; i < labels.length; i++)
            labels[i] = seq ? e.label() : a.end()[i] > a.start()[i] ? e.labelAt(a.end()[i] - 1) : -1;
        return new Labelled(x, a.size(), units, labels);
    }

    private static void add(Builder b, float[] x, int tokens, int units, int[] labels, int seqLabel, boolean seq,
                            ProbeDataset.Aggregation agg, long group, int maxRows) {
        if (seq) {
            float[] row = new float[units];
            for (int j = 0; j < units; j++) {
                double acc = agg == ProbeDataset.Aggregation.MAX ? Double.NEGATIVE_INFINITY : 0;
                for (int t = 0; t < tokens; t++) {
                    float v = x[t * units + j];
                    acc = switch (agg) { case LAST -> v; case MEAN -> acc + v / tokens; case MAX -> Math.max(acc, v); };
                }
                row[j] = (float) acc;
            }
            b.add(row, 0, seqLabel, group);
            return;
        }
        for (int t = 0; t < tokens && b.n < maxRows; t++) if (labels[t] >= 0) b.add(x, t * units, labels[t], group);
    }

    /** Growing row buffer. */
    private static final class Builder {
        final int units, max;
        float[] x = new float[0];
        int[] labels = new int[0];
        long[] groups = new long[0];
        int n;

        Builder(int units, int max) { this.units = units; this.max = max; }

        void add(float[] src, int off, int label, long group) {
            if (n == labels.length) {
                int cap = Math.min(max, Math.max(256, n * 2));
                x = Arrays.copyOf(x, cap * units);
                labels = Arrays.copyOf(labels, cap);
                groups = Arrays.copyOf(groups, cap);
            }
            System.arraycopy(src, off, x, n * units, units);
            labels[n] = label;
            groups[n++] = group;
        }

        Rows build() { return new Rows(Arrays.copyOf(x, n * units), n, units, Arrays.copyOf(labels, n), Arrays.copyOf(groups, n)); }
    }
}
