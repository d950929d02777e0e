// TokenTables against tables computed here by brute force from random (token, bin) entries:
// means over every occurrence of the token, range tokens per published bin (merged fine bins),
// ties broken by lower token id, more tokens than the table keeps, and the scratch reset between features.
package dev.loupe.features;

import dev.loupe.store.TokenStat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TokenTablesTest {
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void matchesBruteForce(long seed) {
        Random r = new Random(seed);
        int V = 300, fine = 12, features = 3;
        long[] freq = new long[V];
        String[] display = new String[V];
        for (int t = 0; t < V; t++) { freq[t] = 1 + r.nextInt(50); display[t] = "t" + t; }
        int[] binOf = new int[ActivationBins.COUNT];
        for (int k = 0; k < fine; k++) binOf[k] = k / 3;             // 4 published bins of 3 fine bins
        List<int[]> entries = new ArrayList<>();                    // feature, token, fine bin, count
        List<Float> sums = new ArrayList<>();
        int[] start = new int[features + 1];
        for (int f = 0; f < features; f++) {
            int distinct = f == 1 ? 5 : 150 + r.nextInt(100);       // feature 1: fewer tokens than the table holds
            java.util.Set<Long> seen = new java.util.HashSet<>();
            while (seen.size() < distinct) {
                int t = r.nextInt(V), b = r.nextInt(fine);
                if (!seen.add((long) t * fine + b)) continue;
                int c = 1 + r.nextInt(3);                            // small counts: many ties
                entries.add(new int[]{f, t, b, c});
                sums.add(c * (r.nextInt(4) * 0.25f));               // coarse sums: tied means too
            }
            start[f + 1] = entries.size();
        }
        int n = entries.size();
        int[] token = new int[n], bin = new int[n], count = new int[n];
        float[] sum = new float[n];
        for (int e = 0; e < n; e++) { token[e] = entries.get(e)[1]; bin[e] = entries.get(e)[2]; count[e] = entries.get(e)[3]; sum[e] = sums.get(e); }
        TokenBinCounts.Grouped g = new TokenBinCounts.Grouped(start, token, bin, count, sum);
        TokenTables tables = new TokenTables(freq, display, 4);

        for (int f = 0; f < features; f++) {
            TokenTables.Tables got = tables.of(g, f, binOf);
            Map<Integer, long[]> c = new TreeMap<>();
            Map<Integer, double[]> s = new TreeMap<>();
            Map<Integer, Map<Integer, Long>> ranges = new TreeMap<>();
            for (int e = start[f]; e < start[f + 1]; e++) {
                c.computeIfAbsent(token[e], k -> new long[1])[0] += count[e];
                s.computeIfAbsent(token[e], k -> new double[1])[0] += sum[e];
                ranges.computeIfAbsent(binOf[bin[e]], k -> new TreeMap<>()).merge(token[e], (long) count[e], Long::sum);
            }
            List<TokenStat> want = new ArrayList<>();
            c.forEach((t, v) -> want.add(new TokenStat(t, display[t], v[0], s.get(t)[0] / freq[t])));
            want.sort(Comparator.comparingDouble(TokenStat::meanAct).reversed().thenComparingInt(TokenStat::tokenId));
            assertEquals(want.subList(0, Math.min(TokenTables.TOKEN_TABLE, want.size())), got.tokens(), "token table of feature " + f);
            assertEquals(List.copyOf(ranges.keySet()), List.copyOf(got.ranges().keySet()), "bins in ascending order");
            ranges.forEach((b, m) -> {
                List<TokenStat> l = new ArrayList<>();
                m.forEach((t, v) -> l.add(new TokenStat(t, display[t], v, Double.NaN)));
                l.sort(Comparator.comparingLong(TokenStat::count).reversed().thenComparingInt(TokenStat::tokenId));
                assertEquals(l.subList(0, Math.min(TokenTables.RANGE_TOKENS, l.size())), got.ranges().get(b), "range tokens of bin " + b);
            });
        }
    }
}
