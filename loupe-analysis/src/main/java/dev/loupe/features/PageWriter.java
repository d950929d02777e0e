// End of a FeatureAnalyzer pass: turns the streamed FeatureBlocks into feature pages and hands them
// to the AnalysisWriter: statistics, log-spaced activation histogram, top / quantile / random
// examples, the per-token look-up table, per-histogram-bin token lists, the direct and ablation
// logit tables (HookPath) and nearest neighbours (DecoderGeometry). The whole-dictionary work
// (directions through the unembedding, ablation, cosines) runs as chunked GEMMs.
//
// Ablation effect, exact under the final norm: for a sample with final residual r, removal
// alpha (RankOneAblation) and residual direction v, Δlogits = U^T[(c(r)(1/σ' - 1/σ) - α c(v)/σ') ⊙ w]
// where c centres (LayerNorm; identity for RMSNorm), σ = scale(r), σ' = scale(r - α v), w =
// ln_final.w. Its mean over samples is linear in r, so each feature costs one d_model vector
// before a single [features, d_model] x [d_model, vocab] GEMM.
package dev.loupe.features;

import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.Transformer;
import dev.loupe.store.AnalysisWriter;
import dev.loupe.store.Example;
import dev.loupe.store.FeatureStats;
import dev.loupe.store.Histogram;
import dev.loupe.store.LogitEntry;
import dev.loupe.store.LogitTable;
import dev.loupe.store.Neighbour;
import dev.loupe.store.TokenStat;
import dev.loupe.tokenizer.Tokenizer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

final class PageWriter {
    private static final int CHUNK = 256;

    record Result(int dead, AnalysisSummary.Pages pages) {}

    private record Tops(int[][] pos, float[][] posVal, int[][] neg, float[][] negVal) {}

    private PageWriter() {}

    static Result write(Transformer model, Tokenizer tok, Dictionary dict, HookPath path, boolean ablation, FeatureBlock[] blocks,
                        RandomWindows random, long[] tokenFreq, long tokens, AnalysisOptions o, AnalysisWriter out, PrintStream progress) {
        int F = dict.dFeatures(), dIn = dict.dIn(), V = tokenFreq.length;
        String[] display = new String[V];
        for (int t = 0; t < V; t++) display[t] = t < tok.vocabSize() ? tok.displayToken(t) : "<" + t + ">";
        float[] dirs = new float[F * dIn];
        for (int f = 0; f < F; f++) System.arraycopy(dict.direction(f), 0, dirs, f * dIn, dIn);

        long t0 = System.nanoTime();
        float[] resid = path == null ? null : path.toResidual(dirs, F, dIn);                // [F, d_model]
        Tops direct = path == null ? null : tops(path, path.normDirections(resid.clone(), F), F, o.logitTopN());
        long tAblation = System.nanoTime();
        float[] alphaMean = new float[F];
        int[] used = new int[F];
        Tops ablated = ablation ? ablation(dict, path, blocks, resid, alphaMean, used, o.logitTopN()) : null;
        long t1 = System.nanoTime();
        DecoderGeometry.Matches near = o.neighbours() > 0 && F > 1 ? DecoderGeometry.neighbours(dict, o.neighbours()) : null;
        long t2 = System.nanoTime();

        int dead = 0;
        TokenTables tables = new TokenTables(tokenFreq, display, o.histogramBins());
        for (FeatureBlock b : blocks) {
            TokenBinCounts.Grouped g = b.tokenBins.grouped(b.n);
            for (int i = 0; i < b.n; i++) {
                int f = b.f0 + i;
                long fire = b.fire[i];
                if (fire == 0) dead++;
                out.feature(new FeatureStats(f, fire, tokens, fire == 0 ? 0 : b.sum[i] / fire, fire == 0 ? 0 : b.max[i]));
                double norm = 0;
                for (int j = 0; j < dIn; j++) norm += (double) dirs[f * dIn + j] * dirs[f * dIn + j];
                out.stat(f, "decoder_norm", Math.sqrt(norm));
                if (fire > 0) {
                    int[] binOf = histogram(b, i, o.histogramBins(), f, out);
                    tables.write(g, i, f, binOf, out);
                }
                examples(b, i, f, o, random, display, out);
                if (direct != null) out.logits(f, table(LogitTable.Kind.DIRECT, direct, f, display));
                if (ablated != null && used[f] > 0) {
                    out.logits(f, table(LogitTable.Kind.ABLATION, ablated, f, display));
                    out.stat(f, "ablation_samples", used[f]);
                    out.stat(f, "ablation_alpha", alphaMean[f]);
                }
                if (near != null) {
                    List<Neighbour> ns = new ArrayList<>();
                    for (int k = 0; k < near.n(); k++) ns.add(new Neighbour(out.dictionary().id(), near.feature(f, k), near.cosine(f, k)));
                    out.neighbours(f, out.dictionary().id(), ns);
                }
            }
        }
        var pages = new AnalysisSummary.Pages((tAblation - t0) / 1e9, (t1 - tAblation) / 1e9, (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);
        if (progress != null)
            progress.printf(java.util.Locale.ROOT, "pages: logit tables %.1fs, ablation %.1fs, neighbours %.1fs, rows %.1fs%n",
                    pages.logitSeconds(), pages.ablationSeconds(), pages.neighbourSeconds(), pages.rowSeconds());
        return new Result(dead, pages);
    }

    /** Writes the log-spaced histogram (consecutive fine bins grouped); returns each fine bin's published bin (-1 outside). */
    private static int[] histogram(FeatureBlock b, int i, int bins, int f, AnalysisWriter out) {
        int base = i * ActivationBins.COUNT, lo = -1, hi = -1;
        for (int k = 0; k < ActivationBins.COUNT; k++) if (b.hist[base + k] > 0) { if (lo < 0) lo = k; hi = k; }
        int span = hi - lo + 1, group = (span + bins - 1) / bins, nb = (span + group - 1) / group;
        float[] edges = new float[nb + 1];
        long[] counts = new long[nb];
        int[] binOf = new int[ActivationBins.COUNT];
        Arrays.fill(binOf, -1);
        for (int k = 0; k <= nb; k++) edges[k] = ActivationBins.edge(Math.min(lo + k * group, ActivationBins.COUNT));
        for (int k = lo; k <= hi; k++) {
            binOf[k] = (k - lo) / group;
            counts[binOf[k]] += b.hist[base + k];
        }
        out.histogram(f, "activation", new Histogram(edges, counts));
        return binOf;
    }

    private static void examples(FeatureBlock b, int i, int f, AnalysisOptions o, RandomWindows random, String[] display, AnalysisWriter out) {
        List<Excerpt> top = new ArrayList<>(Arrays.asList(b.top).subList(i * o.topK(), i * o.topK() + b.topCount[i]));
        top.sort(Comparator.comparingDouble(Excerpt::max).reversed());
        for (int r = 0; r < top.size(); r++) out.example(f, example(Example.Kind.TOP, 0, r, top.get(r), display));
        int res = o.quantileGroups() * o.perQuantile(), m = (int) Math.min(res, b.firingWindows[i]);
        List<Excerpt> q = new ArrayList<>(Arrays.asList(b.quantile).subList(i * res, i * res + m));
        q.sort(Comparator.comparingDouble(Excerpt::max));
        int[] rank = new int[o.quantileGroups()];
        for (int k = 0; k < m; k++) {
            int group = (int) ((long) k * o.quantileGroups() / m);
            out.example(f, example(Example.Kind.QUANTILE, group, rank[group]++, q.get(k), display));
        }
        for (int r = 0; r < random.size(); r++) {
            RandomWindows.Kept w = random.get(r);
            int len = w.tokens().length, F = w.codes().length / len;
            float[] acts = new float[len];
            float max = 0;
            for (int s = 0; s < len; s++) { acts[s] = w.codes()[s * F + f]; max = Math.max(max, acts[s]); }
            out.example(f, example(Example.Kind.RANDOM, 0, r, new Excerpt(w.tokens(), acts, w.document(), w.position(), max), display));
        }
    }

    private static Example example(Example.Kind kind, int group, int rank, Excerpt e, String[] display) {
        String[] s = new String[e.tokens().length];
        for (int j = 0; j < s.length; j++) s[j] = display[e.tokens()[j]];
        return new Example(kind, group, rank, e.document(), e.position(), e.tokens(), s, e.acts());
    }

    /** Top positive and negative tokens of rows [n, d_model] through the unembedding, in chunks. */
    private static Tops tops(HookPath path, float[] rows, int n, int topN) {
        int D = path.dModel, V = path.vocab;
        Tops t = new Tops(new int[n][], new float[n][], new int[n][], new float[n][]);
        for (int r0 = 0; r0 < n; r0 += CHUNK) {
            int m = Math.min(CHUNK, n - r0);
            float[] logits = path.unembed(Arrays.copyOfRange(rows, r0 * D, (r0 + m) * D), m);
            for (int r = 0; r < m; r++) {
                int[] p = TopN.largest(logits, r * V, V, topN, -1), q = TopN.smallest(logits, r * V, V, topN);
                t.pos()[r0 + r] = p; t.neg()[r0 + r] = q;
                t.posVal()[r0 + r] = values(logits, r * V, p);
                t.negVal()[r0 + r] = values(logits, r * V, q);
            }
        }
        return t;
    }

    private static float[] values(float[] v, int off, int[] idx) {
        float[] out = new float[idx.length];
        for (int j = 0; j < idx.length; j++) out[j] = v[off + idx[j]];
        return out;
    }

    private static LogitTable table(LogitTable.Kind kind, Tops t, int f, String[] display) {
        List<LogitEntry> pos = new ArrayList<>(), neg = new ArrayList<>();
        for (int j = 0; j < t.pos()[f].length; j++) if (t.posVal()[f][j] > 0) pos.add(new LogitEntry(t.pos()[f][j], display[t.pos()[f][j]], t.posVal()[f][j]));
        for (int j = 0; j < t.neg()[f].length; j++) if (t.negVal()[f][j] < 0) neg.add(new LogitEntry(t.neg()[f][j], display[t.neg()[f][j]], t.negVal()[f][j]));
        return new LogitTable(kind, pos, neg);
    }

    /** Mean ablation effect per feature from the blocks' samples (see the file comment); fills alphaMean and used. */
    private static Tops ablation(Dictionary dict, HookPath path, FeatureBlock[] blocks, float[] resid, float[] alphaMean, int[] used, int topN) {
        int F = dict.dFeatures(), dIn = dict.dIn(), D = path.dModel;
        int m = 0;
        for (FeatureBlock b : blocks) for (int i = 0; i < b.n; i++) m += b.samples(i);
        float[] x = new float[m * dIn], r = new float[m * D];
        int[] feat = new int[m];
        float[] code = new float[m];
        int at = 0;
        for (FeatureBlock b : blocks) {
            int S = FeatureBlock.ABLATION_SAMPLES;
            for (int i = 0; i < b.n; i++) {
                for (int s = 0; s < b.samples(i); s++, at++) {
                    System.arraycopy(b.sampleHook, (i * S + s) * dIn, x, at * dIn, dIn);
                    System.arraycopy(b.sampleResid, (i * S + s) * D, r, at * D, D);
                    feat[at] = b.f0 + i;
                    code[at] = b.sampleAct[i * S + s];
                }
            }
        }
        float[] alpha = RankOneAblation.alphas(dict, x, feat, code);
        float[] moved = new float[m * D];
        for (int k = 0; k < m; k++) {
            float a = Float.isNaN(alpha[k]) ? 0 : alpha[k];
            for (int j = 0; j < D; j++) moved[k * D + j] = r[k * D + j] - a * resid[feat[k] * D + j];
        }
        float[] sigma = path.normScale(r, m), sigmaMoved = path.normScale(moved, m);
        float[] agg = new float[F * D];
        double[] gamma = new double[F];
        for (int k = 0; k < m; k++) {
            if (Float.isNaN(alpha[k])) continue;
            int f = feat[k];
            used[f]++;
            alphaMean[f] += alpha[k];
            float beta = 1 / sigmaMoved[k] - 1 / sigma[k];
            for (int j = 0; j < D; j++) agg[f * D + j] += beta * r[k * D + j];
            gamma[f] += alpha[k] / sigmaMoved[k];
        }
        for (int f = 0; f < F; f++) {
            if (used[f] == 0) continue;
            alphaMean[f] /= used[f];
            for (int j = 0; j < D; j++) agg[f * D + j] = (float) ((agg[f * D + j] - gamma[f] * resid[f * D + j]) / used[f]);
        }
        return tops(path, path.normDirections(agg, F), F, topN);
    }
}
