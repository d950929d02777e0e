package dev.loupe.activations;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.corpus.TokenWindows;
import dev.loupe.io.DType;
import dev.loupe.io.SafeTensorsWriter;
import dev.loupe.model.ActivationCache;
import dev.loupe.model.Transformer;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a model over token windows and keeps the activations at hook points as rows [n, d], the input of
 * SAE training. Each forward pass is batched and stops after the last block a hook needs
 * ({@link Transformer#runWithCache}). Special-token positions and (optionally) norm outliers are dropped
 * as {@link HarvestOptions} says. {@link #collect} keeps rows in memory; {@link #harvest} streams them to
 * safetensors shards with a {@link HarvestManifest}, holding one shard per hook in memory whatever the
 * corpus length, and resumes after the last complete shard. Not a reader: {@link ShardSource} reads shards.
 * Must agree with {@code runWithCache}: a kept row is exactly that hook's value at that position.
 */
public final class Harvester {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Harvester() {}

    /** Kept rows of one hook from some windows: values [n, d] and, per row, its token, window (index in the batch) and position. */
    static final class Rows {
        final int d;
        float[] data = new float[0];
        int[] tokens = new int[0], window = new int[0], pos = new int[0];
        int n;

        Rows(int d) { this(d, 0); }

        /** With room for {@code capacity} rows up front (a shard's upper bound), so filling it never re-copies. */
        Rows(int d, int capacity) {
            this.d = d;
            data = new float[Math.multiplyExact(capacity, d)];
            tokens = new int[capacity]; window = new int[capacity]; pos = new int[capacity];
        }

        void add(float[] src, int srcOff, int token, int w, int p) {
            if (n == tokens.length) {
                int cap = Math.max(64, 2 * n);
                data = Arrays.copyOf(data, cap * d);
                tokens = Arrays.copyOf(tokens, cap); window = Arrays.copyOf(window, cap); pos = Arrays.copyOf(pos, cap);
            }
            System.arraycopy(src, srcOff, data, n * d, d);
            tokens[n] = token; window[n] = w; pos[n] = p;
            n++;
        }
    }

    /**
     * Rows [n, d] of one hook over all sequences, with the options' exclusions, in sequence-then-position
     * order. Sequences may differ in length: each forward batch is a run of up to opts.batchSize
     * consecutive sequences of one length.
     */
    public static float[] collect(Transformer model, String hook, int[][] windows, HarvestOptions opts) {
        checkHooks(model, List.of(hook));
        Rows all = null;
        for (int from = 0; from < windows.length; ) {
            int to = from;
            while (to < windows.length && to - from < opts.batchSize() && windows[to].length == windows[from].length) to++;
            Rows r = forward(model, List.of(hook), Arrays.copyOfRange(windows, from, to), opts).get(hook);
            if (all == null) all = new Rows(r.d);
            for (int i = 0; i < r.n; i++) all.add(r.data, i * r.d, r.tokens[i], from + r.window[i], r.pos[i]);
            from = to;
        }
        return all == null ? new float[0] : Arrays.copyOf(all.data, all.n * all.d);
    }

    /**
     * One batched forward; per hook, the kept rows. A hook's value [batch, seq, ...] is flattened to rows of
     * width numel / (batch·seq). The outlier median is over this batch's non-special positions.
     */
    static Map<String, Rows> forward(Transformer model, List<String> hooks, int[][] batch, HarvestOptions opts) {
        ActivationCache cache = model.runWithCache(batch, hooks);
        int B = batch.length, S = batch[0].length;
        Map<String, Rows> out = new LinkedHashMap<>();
        for (String h : hooks) {
            Tensor t = cache.get(h);
            if (t.rank() < 3 || t.dim(0) != B || t.dim(1) != S)
                throw new ConfigException("hook " + h + " has shape " + Arrays.toString(t.shape()) + ", not [batch, pos, ...]; harvest a per-position hook such as blocks.0.hook_resid_post");
            int d = t.numel() / (B * S);
            float[] x = t.data();
            boolean[] keep = new boolean[B * S];
            double[] norm = new double[B * S];
            List<Double> kept = new ArrayList<>();
            for (int r = 0; r < B * S; r++) {
                keep[r] = !opts.isSpecial(batch[r / S][r % S], r % S);
                if (!keep[r] || opts.outlierFactor() == 0) continue;
                double s = 0;
                for (int j = 0; j < d; j++) s += (double) x[r * d + j] * x[r * d + j];
                norm[r] = Math.sqrt(s);
                kept.add(norm[r]);
            }
            if (opts.outlierFactor() > 0 && !kept.isEmpty()) {
                double limit = opts.outlierFactor() * median(kept);
                for (int r = 0; r < B * S; r++) if (keep[r] && norm[r] > limit) keep[r] = false;
            }
            Rows rows = new Rows(d);
            for (int r = 0; r < B * S; r++) if (keep[r]) rows.add(x, r * d, batch[r / S][r % S], r / S, r % S);
            out.put(h, rows);
        }
        return out;
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int m = a.length / 2;
        return a.length % 2 == 1 ? a[m] : 0.5 * (a[m - 1] + a[m]);
    }

    private static void checkHooks(Transformer model, List<String> hooks) {
        if (hooks.isEmpty()) throw new ConfigException("no hook to harvest; name one, e.g. blocks.0.mlp.hook_post");
        if (new HashSet<>(hooks).size() != hooks.size()) throw new ConfigException("hook list " + hooks + " names a hook twice");
        for (String h : hooks)
            if (!model.hookNames().contains(h))
                throw new ConfigException("model " + model.config().name() + " has no hook '" + h + "'; `loupe info --hooks` lists them (e.g. blocks.0.mlp.hook_post)");
    }

    /**
     * Harvests {@code ceil(maxTokens / context)} windows (fewer if the windows run out) into shards under
     * {@code dir}. Rerunning with the same model, hooks, windows, budget and options continues after the
     * last complete shard (the windows already harvested are skipped, and their token ids checked against
     * the manifest); a finished harvest is a no-op. Different arguments on an existing folder are an error.
     * {@code progress} (may be null) gets one line per shard.
     */
    public static HarvestSummary harvest(Transformer model, List<String> hooks, Iterator<TokenWindows.Window> windows,
                                         long maxTokens, HarvestOptions opts, Path dir, PrintStream progress) {
        long t0 = System.nanoTime();
        checkHooks(model, hooks);
        if (maxTokens < 1) throw new ConfigException("token budget must be >= 1, got " + maxTokens);
        if (!windows.hasNext()) throw new ConfigException("the corpus gave no windows; use a larger corpus or a shorter context");
        TokenWindows.Window first = windows.next();
        int ctx = first.tokens().length;
        long totalWindows = (maxTokens + ctx - 1) / ctx;
        int perShard = Math.max(1, opts.rowsPerShard() / ctx);
        ObjectNode identity = identity(model, hooks, ctx, maxTokens, opts);

        HarvestManifest m;
        if (HarvestManifest.exists(dir)) {
            m = HarvestManifest.read(dir);
            if (!m.identity().equals(identity))
                throw new ConfigException(dir + " holds a harvest with different arguments (" + m.identity() + "); rerun with those or give a new --out folder");
        } else {
            Map<String, Integer> dIn = new LinkedHashMap<>();
            m = new HarvestManifest(identity, dIn, List.of(), false);
        }
        int resumedFrom = m.shards().size();
        if (m.complete()) {
            say(progress, dir + ": harvest already complete (" + m.windows() + " windows); nothing to do");
            return summary(dir, hooks, m, ctx, resumedFrom, 0, t0);
        }
        var source = new PeekedWindows(first, windows);
        for (int i = 0; i < resumedFrom; i++) {
            var shard = m.shards().get(i);
            var ws = source.take(shard.windows());
            if (ws.size() != shard.windows() || !tokenHash(ws).equals(shard.tokenHash()))
                throw new ConfigException(dir + ": shard " + i + " was harvested from different windows; the corpus, tokenizer or context changed — use a new --out folder");
        }
        if (resumedFrom > 0) say(progress, "resuming after " + resumedFrom + " complete shards (" + m.windows() + " windows)");

        long done = m.windows(), newTokens = 0;
        List<HarvestManifest.Shard> shards = new ArrayList<>(m.shards());
        Map<String, Integer> dIn = new LinkedHashMap<>(m.dIn());
        while (done < totalWindows) {
            List<TokenWindows.Window> ws = source.take((int) Math.min(perShard, totalWindows - done));
            if (ws.isEmpty()) break;
            long ts = System.nanoTime();
            Map<String, Rows> rows = shardRows(model, hooks, ws, opts);
            int index = shards.size();
            Map<String, Long> counts = new LinkedHashMap<>();
            for (String h : hooks) {
                Rows r = rows.get(h);
                dIn.put(h, r.d);
                writeShard(HarvestManifest.shardFile(dir, h, index), r, ws, done, opts.dtype());
                counts.put(h, (long) r.n);
            }
            shards.add(new HarvestManifest.Shard(ws.size(), tokenHash(ws), counts));
            done += ws.size();
            newTokens += (long) ws.size() * ctx;
            m = new HarvestManifest(identity, dIn, List.copyOf(shards), false);
            m.write(dir);
            double sec = (System.nanoTime() - ts) / 1e9;
            say(progress, String.format(Locale.ROOT, "shard %d: %d windows, %d/%d tokens, %.0f tokens/s", index, ws.size(),
                    done * ctx, totalWindows * ctx, ws.size() * ctx / Math.max(sec, 1e-9)));
        }
        if (shards.isEmpty()) throw new ConfigException("the corpus gave no windows; use a larger corpus or a shorter context");
        m = new HarvestManifest(identity, dIn, List.copyOf(shards), true);
        m.write(dir);
        if (done < totalWindows) say(progress, "the corpus ran out after " + done * ctx + " of " + totalWindows * ctx + " tokens");
        return summary(dir, hooks, m, ctx, resumedFrom, newTokens, t0);
    }

    /** One shard's windows, in forward batches of opts.batchSize counted from the shard's start (so a resumed run batches identically). */
    private static Map<String, Rows> shardRows(Transformer model, List<String> hooks, List<TokenWindows.Window> ws, HarvestOptions opts) {
        Map<String, Rows> all = new LinkedHashMap<>();
        for (int from = 0; from < ws.size(); from += opts.batchSize()) {
            List<TokenWindows.Window> part = ws.subList(from, Math.min(ws.size(), from + opts.batchSize()));
            for (var e : forward(model, hooks, TokenWindows.tokens(part), opts).entrySet()) {
                Rows r = e.getValue(), a = all.computeIfAbsent(e.getKey(), k -> new Rows(r.d, ws.size() * ws.get(0).tokens().length));
                for (int i = 0; i < r.n; i++) a.add(r.data, i * r.d, r.tokens[i], from + r.window[i], r.pos[i]);
            }
        }
        return all;
    }

    private static void writeShard(Path file, Rows r, List<TokenWindows.Window> ws, long firstWindow, DType dtype) {
        long[] tokens = new long[r.n], window = new long[r.n], pos = new long[r.n], doc = new long[r.n];
        for (int i = 0; i < r.n; i++) {
            tokens[i] = r.tokens[i];
            window[i] = firstWindow + r.window[i];
            pos[i] = r.pos[i];
            doc[i] = ws.get(r.window[i]).document();
        }
        new SafeTensorsWriter()
                .add("activations", new Tensor(Arrays.copyOf(r.data, r.n * r.d), r.n, r.d), dtype)
                .addLongs("tokens", tokens, DType.I32, r.n)
                .addLongs("window", window, DType.I64, r.n)
                .addLongs("position", pos, DType.I32, r.n)
                .addLongs("document", doc, DType.I64, r.n)
                .write(file);
    }

    private static HarvestSummary summary(Path dir, List<String> hooks, HarvestManifest m, int ctx, int resumedFrom, long newTokens, long t0) {
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String h : hooks) rows.put(h, m.rows(h));
        return new HarvestSummary(dir, List.copyOf(hooks), m.windows(), m.windows() * ctx, rows, m.shards().size(),
                resumedFrom, newTokens, (System.nanoTime() - t0) / 1e9);
    }

    /** What a rerun must match to continue a harvest folder. */
    private static ObjectNode identity(Transformer model, List<String> hooks, int ctx, long maxTokens, HarvestOptions o) {
        ObjectNode id = JSON.createObjectNode();
        id.put("model", model.config().name()).put("modelFingerprint", fingerprint(model));
        hooks.forEach(id.putArray("hooks")::add);
        id.put("contextSize", ctx).put("maxTokens", maxTokens)
                .put("batchSize", o.batchSize()).put("excludeSpecial", o.excludeSpecial()).put("outlierFactor", o.outlierFactor())
                .put("dtype", o.dtype().name()).put("rowsPerShard", o.rowsPerShard());
        if (o.specialIds() != null) Arrays.stream(o.specialIds()).forEach(id.putArray("specialIds")::add);
        try {
            return (ObjectNode) JSON.readTree(JSON.writeValueAsString(id));   // the numeric node types a manifest reads back, so equals compares values
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** FNV-1a over the config and up to 64 evenly spaced values of every weight: tells models (and re-initialised copies) apart cheaply. */
    static String fingerprint(Transformer model) {
        long h = fnv(0xcbf29ce484222325L, model.config().toString().hashCode());
        for (var e : model.weights().entrySet()) {
            h = fnv(h, e.getKey().hashCode());
            float[] d = e.getValue().data();
            int step = Math.max(1, d.length / 64);
            for (int i = 0; i < d.length; i += step) h = fnv(h, Float.floatToRawIntBits(d[i]));
        }
        return Long.toHexString(h);
    }

    static String tokenHash(List<TokenWindows.Window> ws) {
        long h = 0xcbf29ce484222325L;
        for (var w : ws) for (int t : w.tokens()) h = fnv(h, t);
        return Long.toHexString(h);
    }

    private static long fnv(long h, int v) {
        for (int i = 0; i < 4; i++) { h ^= (v >>> (8 * i)) & 0xFF; h *= 0x100000001b3L; }
        return h;
    }

    private static void say(PrintStream out, String line) {
        if (out != null) out.println(line);
    }

    /** The window iterator with its first window put back, read in chunks. */
    private static final class PeekedWindows {
        private TokenWindows.Window head;
        private final Iterator<TokenWindows.Window> rest;

        PeekedWindows(TokenWindows.Window head, Iterator<TokenWindows.Window> rest) { this.head = head; this.rest = rest; }

        List<TokenWindows.Window> take(int n) {
            List<TokenWindows.Window> out = new ArrayList<>(n);
            while (out.size() < n) {
                if (head != null) { out.add(head); head = null; }
                else if (rest.hasNext()) out.add(rest.next());
                else break;
            }
            return out;
        }
    }
}
