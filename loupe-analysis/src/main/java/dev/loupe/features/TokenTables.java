// A feature's per-token table (mean activation over every occurrence of the token, zeros included)
// and, per published histogram bin, the tokens that produced it (Cunningham et al. 2023 Fig. 4 left),
// derived from one FeatureBlock's (feature, token, fine bin) counts. Scratch arrays dense over the
// vocabulary are allocated once per analysis and reset through lists of the entries touched, so a
// feature costs O(its distinct tokens) with no boxing: at 1M tokens the boxed maps this replaces made
// page building grow with the corpus. Not thread-safe: one per page-writing thread.
package dev.loupe.features;

import dev.loupe.store.AnalysisWriter;
import dev.loupe.store.TokenStat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class TokenTables {
    static final int TOKEN_TABLE = 64, RANGE_TOKENS = 5;
    private static final Comparator<TokenStat> BY_MEAN = Comparator.comparingDouble(TokenStat::meanAct).reversed().thenComparingInt(TokenStat::tokenId);

    private final long[] tokenFreq;
    private final String[] display;
    private final int vocab;
    private final long[] count;          // [vocab]
    private final double[] sum;          // [vocab]
    private final long[] range;          // [bins, vocab]: count per (published bin, token)
    private int[] touched = new int[64], touchedRange = new int[64];

    TokenTables(long[] tokenFreq, String[] display, int bins) {
        this.tokenFreq = tokenFreq;
        this.display = display;
        this.vocab = tokenFreq.length;
        count = new long[vocab];
        sum = new double[vocab];
        range = new long[Math.multiplyExact(bins, vocab)];
    }

    /** A feature's token table and, per published bin in ascending order, its range tokens. */
    record Tables(List<TokenStat> tokens, Map<Integer, List<TokenStat>> ranges) {}

    /** Writes feature f's (block-local index i) tables; binOf maps fine bins to published bins. */
    void write(TokenBinCounts.Grouped g, int i, int f, int[] binOf, AnalysisWriter out) {
        Tables t = of(g, i, binOf);
        out.tokenStats(f, t.tokens());
        t.ranges().forEach((bin, l) -> out.rangeTokens(f, bin, l));
    }

    Tables of(TokenBinCounts.Grouped g, int i, int[] binOf) {
        int nt = 0, nr = 0;
        for (int e = g.start()[i]; e < g.start()[i + 1]; e++) {
            int t = g.token()[e], c = g.count()[e], key = binOf[g.bin()[e]] * vocab + t;
            if (count[t] == 0) touched = push(touched, nt++, t);       // counts are >= 1, so 0 means untouched
            count[t] += c;
            sum[t] += g.sum()[e];
            if (range[key] == 0) touchedRange = push(touchedRange, nr++, key);
            range[key] += c;
        }
        List<TokenStat> tokens = tokenTable(nt);
        Map<Integer, List<TokenStat>> ranges = new LinkedHashMap<>();
        Arrays.sort(touchedRange, 0, nr);          // by bin, then token
        for (int a = 0, b; a < nr; a = b) {
            int bin = touchedRange[a] / vocab;
            for (b = a; b < nr && touchedRange[b] / vocab == bin; b++) ;
            ranges.put(bin, rangeTokens(a, b));
        }
        for (int k = 0; k < nt; k++) { count[touched[k]] = 0; sum[touched[k]] = 0; }
        for (int k = 0; k < nr; k++) range[touchedRange[k]] = 0;
        return new Tables(tokens, ranges);
    }

    /** The TOKEN_TABLE tokens of highest mean activation, ties by lower token id. */
    private List<TokenStat> tokenTable(int nt) {
        Arrays.sort(touched, 0, nt);
        float[] mean = new float[nt];
        for (int k = 0; k < nt; k++) mean[k] = (float) (sum[touched[k]] / tokenFreq[touched[k]]);
        // selected at float precision, then ordered exactly: only float-equal means at the cut could differ
        List<TokenStat> stats = new ArrayList<>();
        for (int k : TopN.largest(mean, 0, nt, TOKEN_TABLE, -1)) {
            int t = touched[k];
            stats.add(new TokenStat(t, display[t], count[t], sum[t] / tokenFreq[t]));
        }
        stats.sort(BY_MEAN);
        return stats;
    }

    /** Of the (bin, token) keys touchedRange[a, b) of one bin, the RANGE_TOKENS most frequent, ties by lower token id. */
    private List<TokenStat> rangeTokens(int a, int b) {
        int n = Math.min(RANGE_TOKENS, b - a);
        int[] best = new int[n];
        int size = 0;
        for (int k = a; k < b; k++) {             // keys ascend, so a later key wins only on a strictly larger count
            long c = range[touchedRange[k]];
            if (size == n && c <= range[best[n - 1]]) continue;
            int at = size == n ? n - 1 : size++;
            while (at > 0 && range[best[at - 1]] < c) { best[at] = best[at - 1]; at--; }
            best[at] = touchedRange[k];
        }
        List<TokenStat> l = new ArrayList<>(n);
        for (int key : best) l.add(new TokenStat(key % vocab, display[key % vocab], range[key], Double.NaN));
        return l;
    }

    private static int[] push(int[] a, int at, int v) {
        if (at == a.length) a = Arrays.copyOf(a, a.length * 2);
        a[at] = v;
        return a;
    }
}
