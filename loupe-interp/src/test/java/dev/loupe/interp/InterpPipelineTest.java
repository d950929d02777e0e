package dev.loupe.interp;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.store.Explanation;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.Score;
import dev.loupe.util.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link InterpPipeline} on the hand-made store of {@link InterpStores}. */
class InterpPipelineTest {
    @TempDir Path dir;

    @Test void writesExpectedExplanationsScoresAndSkips() throws Exception {
        try (FeatureStore s = FeatureStore.open(dir.resolve("loupe.db"))) {
            long d = InterpStores.write(s, "sae", "standard");
            ByteArrayOutputStream bar = new ByteArrayOutputStream();
            InterpSummary sum = InterpPipeline.run(s, d, InterpOptions.defaults(), new PrintStream(bar, true));
            assertEquals(3, sum.attempted());
            assertEquals(2, sum.done());
            assertEquals(1, sum.skipped());
            assertEquals(0, sum.failed());
            assertTrue(bar.toString().contains("3/3  done 2  skipped 1  failed 0  $0.0000"), bar.toString());

            Explanation red = only(s.explanations(d, 0));
            assertTrue(red.text().contains("\"red\""), red.text());
            assertEquals("builtin-stat", red.method());
            assertEquals(List.of(new Score("random_only", "builtin-rules", 1.0), new Score("top_and_random", "builtin-rules", 1.0)),
                    rounded(red.scores()));
            assertTrue(new ObjectMapper().readTree(red.provenanceJson()).has("machine_form"));

            assertTrue(s.explanations(d, 1).isEmpty());
            assertEquals(Map.of(1, "only 5 non-trivial top excerpts (need 20)"), s.interpSkips(d, "builtin-stat"));

            Explanation blue = only(s.explanations(d, 2));
            assertTrue(blue.text().contains("\"blue\""), blue.text());
            Score ro = blue.scores().stream().filter(x -> x.kind().equals("random_only")).findFirst().orElseThrow();
            assertFalse(ro.defined(), "constant simulation on random-only is undefined, not 0");
            assertEquals("constant_simulated", new ObjectMapper().readTree(blue.provenanceJson()).path("undefined").path("random_only").asText());
            Score tr = blue.scores().stream().filter(x -> x.kind().equals("top_and_random")).findFirst().orElseThrow();
            // pooled: 5 scored top windows with one 5.0 (simulated 10) and 5 random windows with one 0.5 (simulated 0), 16 tokens each
            double[] t = new double[160], sim = new double[160];
            for (int k = 0; k < 5; k++) { t[16 * k] = 5; sim[16 * k] = 10; t[80 + 16 * k] = 0.5; }
            assertEquals(pearson(t, sim), tr.value(), 1e-9);

            assertEquals(2, sum.topAndRandom().n());
            assertEquals((1.0 + tr.value()) / 2, sum.topAndRandom().mean(), 1e-9);
            assertEquals(1, sum.randomOnly().n());
            assertEquals(1, sum.randomOnly().undefined());
        }
    }

    @Test void resumesWithoutRedoingAndRetriesFailures() {
        try (FeatureStore s = FeatureStore.open(dir.resolve("loupe.db"))) {
            long d = InterpStores.write(s, "sae", "standard");
            InterpSummary first = InterpPipeline.run(s, d, InterpOptions.defaults().withFeatures(List.of(0)), null);
            assertEquals(1, first.done());
            // a simulator that breaks on "blue": feature 2 fails, is not recorded, and the run goes on
            AtomicBoolean broken = new AtomicBoolean(true);
            SimulatorFactory rules = InterpOptions.defaults().simulators();
            SimulatorFactory flaky = e -> {
                if (broken.get() && e.text().contains("blue")) throw new InterpFailure("backend down");
                return rules.forExplanation(e);
            };
            InterpSummary second = InterpPipeline.run(s, d, InterpOptions.defaults().withSimulator(flaky, "builtin-rules"), null);
            assertEquals(1, second.resumed());
            assertEquals(2, second.attempted());
            assertEquals(1, second.skipped());
            assertEquals(1, second.failed());
            assertTrue(second.failures().get(2).contains("backend down"), second.failures().toString());
            assertTrue(s.explanations(d, 2).isEmpty());
            broken.set(false);
            InterpSummary third = InterpPipeline.run(s, d, InterpOptions.defaults(), null);
            assertEquals(2, third.resumed(), "feature 0 explained and feature 1 skipped before");
            assertEquals(1, third.attempted());
            assertEquals(1, third.done());
            InterpSummary fourth = InterpPipeline.run(s, d, InterpOptions.defaults(), null);
            assertEquals(0, fourth.attempted());
            for (int f : new int[] {0, 2}) assertEquals(1, s.explanations(d, f).size(), "feature " + f + " explained once");
            assertEquals(2, fourth.topAndRandom().n(), "summary covers every run's scores");
        }
    }

    @Test void laterRunsAddTheScorersAStoredExplanationLacks() {
        try (FeatureStore s = FeatureStore.open(dir.resolve("loupe.db"))) {
            long d = InterpStores.write(s, "sae", "standard");
            assertEquals(2, InterpPipeline.run(s, d, InterpOptions.defaults(), null).done());
            // only the extra scorers run, on the two stored explanations
            InterpOptions extra = InterpOptions.defaults().withScorers(ScorerKind.parseList("detection,fuzzing"), null);
            InterpSummary added = InterpPipeline.run(s, d, extra, null);
            assertEquals(2, added.attempted());
            assertEquals(2, added.done());
            assertEquals(0, added.scorerFailures());
            for (int f : new int[] {0, 2}) assertEquals(1, s.explanations(d, f).size(), "scores added to the stored explanation, not a new one");

            Explanation red = only(s.explanations(d, 0));
            Map<String, Double> byKind = new java.util.TreeMap<>();
            for (Score x : red.scores()) byKind.put(x.kind(), x.value());
            assertEquals(List.of("detection_auc", "detection_balanced_accuracy", "fuzzing_auc", "fuzzing_balanced_accuracy", "random_only", "top_and_random"),
                    List.copyOf(byKind.keySet()));
            assertTrue(byKind.get("detection_auc").isNaN(), "every random excerpt of feature 0 fires: detection is undefined, never 0.5");
            assertEquals(1.0, byKind.get("fuzzing_auc"), 1e-12);
            assertEquals(1.0, byKind.get("fuzzing_balanced_accuracy"), 1e-12);
            Map<Integer, String> notes = s.interpSkips(d, "builtin-stat#detection");
            assertEquals(java.util.Set.of(0, 2), notes.keySet());
            assertEquals("undefined: the feature fires in all 20 random excerpts: no silent excerpt to detect against", notes.get(0));
            assertEquals(Map.of(1, "only 5 non-trivial top excerpts (need 20)"), s.interpSkips(d, "builtin-stat"), "notes do not mix with skips");

            assertEquals(2, added.extra().get("fuzzing_auc").n());
            assertEquals(1.0, added.extra().get("fuzzing_auc").mean(), 1e-12);
            assertEquals(2, added.extra().get("detection_auc").undefined());
            assertEquals(0, InterpPipeline.run(s, d, extra, null).attempted(), "nothing left to score");

            var table = InterpReport.table(InterpReport.fromStore(s, s.dictionaries(), "builtin-stat", "builtin-rules", ScorerKind.FUZZING, 100, 1), ScorerKind.FUZZING);
            assertTrue(table.startsWith("| basis | scored | skipped | failed | fuzzing bal. acc. (95% CI) | fuzzing AUC (95% CI) | undefined (f-b-a / f-A) |"), table);
            assertTrue(table.contains("| sae (standard) | 2 | 1 | 0 | 1.000 [1.000, 1.000] | 1.000 [1.000, 1.000] | 0 / 0 |"), table);
        }
    }

    @Test void aFailedScorerIsRecordedAndRetried() {
        try (FeatureStore s = FeatureStore.open(dir.resolve("loupe.db"))) {
            long d = InterpStores.write(s, "sae", "standard");
            InterpPipeline.run(s, d, InterpOptions.defaults(), null);
            AtomicBoolean broken = new AtomicBoolean(true);
            SimulatorFactory rules = InterpOptions.defaults().simulators();
            SimulatorFactory flaky = e -> {
                Simulator sim = rules.forExplanation(e);
                return tokens -> {
                    if (broken.get()) throw new InterpFailure("backend down");
                    return sim.simulate(tokens);
                };
            };
            InterpOptions fuzz = InterpOptions.defaults().withSimulator(flaky, "builtin-rules").withScorers(ScorerKind.parseList("fuzzing"), null);
            InterpSummary first = InterpPipeline.run(s, d, fuzz, null);
            assertEquals(2, first.done(), "the feature is done; only its fuzzing failed");
            assertEquals(2, first.scorerFailures());
            assertEquals("fuzzing: backend down", first.failures().get(0));
            assertEquals("failed: fuzzing: backend down", s.interpSkips(d, "builtin-stat#fuzzing").get(2));
            assertTrue(only(s.explanations(d, 0)).scores().stream().noneMatch(x -> x.kind().startsWith("fuzzing")), "a failed scorer stores no score");
            var table = InterpReport.table(InterpReport.fromStore(s, s.dictionaries(), "builtin-stat", "builtin-rules", ScorerKind.FUZZING, 100, 1), ScorerKind.FUZZING);
            assertTrue(table.contains("| sae (standard) | 0 | 1 | 2 | n/a | n/a |"), table);

            broken.set(false);
            InterpSummary second = InterpPipeline.run(s, d, fuzz, null);
            assertEquals(2, second.attempted(), "failed scorers are retried");
            assertEquals(0, second.scorerFailures());
            table = InterpReport.table(InterpReport.fromStore(s, s.dictionaries(), "builtin-stat", "builtin-rules", ScorerKind.FUZZING, 100, 1), ScorerKind.FUZZING);
            assertTrue(table.contains("| sae (standard) | 2 | 1 | 0 | 1.000 [1.000, 1.000] |"), table);
        }
    }

    @Test void badRequestsFailWithAClearMessage() {
        try (FeatureStore s = FeatureStore.open(dir.resolve("loupe.db"))) {
            long d = InterpStores.write(s, "sae", "standard");
            ConfigException e = assertThrows(ConfigException.class, () -> InterpPipeline.run(s, d, InterpOptions.defaults().withFeatures(List.of(7)), null));
            assertTrue(e.getMessage().contains("feature 7 is out of range"), e.getMessage());
            long empty = s.putDictionary(dev.loupe.store.DictionaryInfo.of("fresh", 1, "h", "pca", 8, 3));
            e = assertThrows(ConfigException.class, () -> InterpPipeline.run(s, empty, InterpOptions.defaults(), null));
            assertTrue(e.getMessage().contains("no published analysis"), e.getMessage());
        }
    }

    private static Explanation only(List<Explanation> l) {
        assertEquals(1, l.size());
        return l.get(0);
    }

    private static List<Score> rounded(List<Score> l) {
        return l.stream().map(x -> new Score(x.kind(), x.simulator(), Math.round(x.value() * 1e9) / 1e9)).toList();
    }

    static double pearson(double[] a, double[] b) {
        int n = a.length;
        double ma = 0, mb = 0;
        for (int i = 0; i < n; i++) { ma += a[i] / n; mb += b[i] / n; }
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb); }
        return sab / Math.sqrt(saa * sbb);
    }
}
