// The feature list stays fast at 100k features: every sort is served by an index walk (no
// temporary sort B-tree), keyset cursors turn into index range constraints, and keyset pages
// agree with offset pages and with a sort done here. No timings are asserted.
package dev.loupe.store;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

class StoreQueryPlanTest {
    static final int N = 100_000;
    @TempDir static Path dir;
    static Path db;
    static long dict;
    static double[] density = new double[N], maxAct = new double[N];

    @BeforeAll
    static void fill() {
        db = StoreFixtures.db(dir);
        Random rnd = new Random(7);
        try (FeatureStore s = FeatureStore.open(db)) {
            dict = StoreFixtures.dictionary(s, "big", N);
            try (AnalysisWriter w = s.beginAnalysis(dict, "{}")) {
                for (int f = 0; f < N; f++) {
                    long fires = rnd.nextInt(50);       // many ties in density: the feature tie-break matters
                    double max = fires == 0 ? 0 : rnd.nextInt(1000) / 100.0;
                    density[f] = fires / 1000.0;
                    maxAct[f] = max;
                    w.feature(new FeatureStats(f, fires, 1000, max / 2, max));
                    w.tokenStats(f, List.of(new TokenStat(f % 500, "t", 1, max)));
                }
                w.commit();
            }
            for (int f = 0; f < 300; f++)
                s.addExplanation(Explanation.of(dict, f * 7, "e" + f, "m", null, List.of(new Score("top_and_random", "sim", (f * 37 % 101) / 100.0))));
        }
    }

    private static List<String> plan(FeatureStore s, FeatureQuery q) {
        DictionaryInfo d = s.dictionary(dict);
        return s.read("plan", () -> new FeatureQueries(s).explainList(d, q));
    }

    private static void assertIndexedWithoutSort(List<String> plan, String index) {
        String all = String.join(" | ", plan);
        assertTrue(all.contains(index), "expected " + index + " in plan: " + all);
        assertFalse(all.contains("TEMP B-TREE"), "the plan sorts in a temporary B-tree: " + all);
        assertFalse(all.matches(".*SCAN f(?! USING).*"), "full scan of features: " + all);
    }

    @ParameterizedTest
    @EnumSource(FeatureQuery.Sort.class)
    void everySortIsAnIndexWalkAlsoWithFiltersAndCursors(FeatureQuery.Sort sort) {
        String index = switch (sort) {
            case FEATURE -> "PRIMARY KEY";
            case DENSITY -> "idx_features_density";
            case MEAN_ACT -> "idx_features_mean";
            case MAX_ACT -> "idx_features_max";
            case SCORE -> "idx_best_scores_value";
        };
        try (FeatureStore s = FeatureStore.openReadOnly(db)) {
            FeatureQuery q = FeatureQuery.by(sort).scoreKind("top_and_random");
            assertIndexedWithoutSort(plan(s, q), index);
            assertIndexedWithoutSort(plan(s, q.ascending().density(0.001, 0.02).minMaxAct(1)), index);
            List<String> deep = plan(s, q.after(new FeatureQuery.Cursor(0.5, 50_000)));
            assertIndexedWithoutSort(deep, index);
            assertTrue(String.join(" ", deep).matches(".*(\\(\\w+,feature\\)<\\(\\?,\\?\\)|feature<\\?).*"), "cursor is not an index range: " + deep);
        }
    }

    @Test
    void tokenLookupUsesTheTokenIndex() {
        try (FeatureStore s = FeatureStore.openReadOnly(db)) {
            List<String> plan = s.read("plan", () -> {
                List<String> out = new ArrayList<>();
                try (var st = s.connection().prepareStatement("EXPLAIN QUERY PLAN SELECT feature FROM token_features WHERE run_id = 1 AND token_id = 3 "
                        + "ORDER BY mean_act DESC, feature LIMIT 5"); var r = st.executeQuery()) {
                    while (r.next()) out.add(r.getString("detail"));
                }
                return out;
            });
            assertIndexedWithoutSort(plan, "USING PRIMARY KEY (run_id=? AND token_id=?)");
            List<TokenFeature> top = s.featuresForToken(dict, 3, 5);
            // features 3, 503, 1003, ... use token 3; ranked by max (their mean_act here), ties by feature
            List<Integer> expected = IntStream.iterate(3, f -> f < N, f -> f + 500).boxed()
                    .sorted(Comparator.<Integer>comparingDouble(f -> -maxAct[f]).thenComparingInt(f -> f)).limit(5).toList();
            assertEquals(expected, top.stream().map(TokenFeature::feature).toList());
        }
    }

    @Test
    void keysetPagesMatchOffsetPagesAndAnIndependentSort() {
        Comparator<Integer> desc = Comparator.<Integer>comparingDouble(f -> maxAct[f]).thenComparingInt(f -> f).reversed();
        List<Integer> expected = IntStream.range(0, N).boxed().filter(f -> density[f] >= 0.01 && density[f] <= 0.03).sorted(desc).toList();
        try (FeatureStore s = FeatureStore.openReadOnly(db)) {
            FeatureQuery q = FeatureQuery.by(FeatureQuery.Sort.MAX_ACT).density(0.01, 0.03).limit(997);
            List<Integer> got = new ArrayList<>();
            FeatureQuery.Cursor c = null;
            int pages = 0;
            do {
                Page<FeatureSummary> page = s.listFeatures(dict, q.after(c));
                if (pages == 7) {
                    List<FeatureSummary> byOffset = s.listFeatures(dict, q.offset(7 * 997)).items();
                    assertEquals(byOffset, page.items());
                }
                page.items().forEach(x -> got.add(x.feature()));
                c = page.next();
                pages++;
            } while (c != null);
            assertEquals(expected, got);
            FeatureQuery asc = FeatureQuery.by(FeatureQuery.Sort.DENSITY).ascending().limit(5).after(new FeatureQuery.Cursor(0.002, 99_990));
            List<Integer> ascExpected = IntStream.range(0, N).boxed()
                    .filter(f -> density[f] > 0.002 || (density[f] == 0.002 && f > 99_990))
                    .sorted(Comparator.<Integer>comparingDouble(f -> density[f]).thenComparingInt(f -> f)).limit(5).toList();
            assertEquals(ascExpected, s.listFeatures(dict, asc).items().stream().map(FeatureSummary::feature).toList());
        }
    }
}
