package dev.loupe.cli;

import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.FeatureDetail;
import dev.loupe.store.FeatureQuery;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.FeatureSummary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

// A scaled-down `loupe demo --no-serve` end to end on models/loupe-1l with a copy of the repository's
// own Java sources as the corpus (a few thousand tokens): the store must hold the five dictionaries,
// each analysed (features, examples) and auto-interpreted (explanations); a rerun must reuse every
// stage, and a changed analysis flag must redo the store but not the harvest or the SAE.
class DemoCommandTest {
    static final String[] SMALL = {"--no-serve", "--model", "../models/loupe-1l", "--tokens", "3000", "--train-tokens", "4096",
            "--expansion", "1", "--k", "4", "--eval-tokens", "1000", "--ica-components", "4"};
    @TempDir static Path corpus;

    /** The repository's .java files, flattened into one folder that stays unchanged while the test runs. */
    @BeforeAll static void copySources() throws IOException {
        try (Stream<Path> s = Files.walk(Path.of(".."))) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.toString().endsWith(".java") && !f.toString().contains("/target/"))::iterator)
                Files.copy(p, corpus.resolve(Path.of("..").relativize(p).toString().replace('/', '_')));
        }
    }

    static String[] demo(Path ws, String... more) {
        List<String> args = new ArrayList<>(List.of("demo"));
        args.addAll(List.of(SMALL));
        args.addAll(List.of("--corpus", corpus.toString(), "--workspace", ws.toString()));
        args.addAll(List.of(more));
        return MainTest.run(args.toArray(String[]::new));
    }

    @Test void smallDemoWritesAFullStoreAndReusesItsStages(@TempDir Path ws) throws Exception {
        String[] r = demo(ws, "--analysis-tokens", "4000");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("harvest activations") && r[1].contains("train SAE") && r[1].contains("auto-interp"), r[1]);
        Path db = ws.resolve("loupe.db");
        try (FeatureStore s = FeatureStore.openReadOnly(db)) {
            assertEquals(List.of("sae", "neurons", "pca", "ica", "random"), s.dictionaries().stream().map(DictionaryInfo::name).toList());
            for (DictionaryInfo d : s.dictionaries()) {
                assertNotEquals(0, d.currentRunId(), d.name() + " has a published analysis");
                assertEquals(512, d.dIn());
                assertTrue(d.evalJson().contains("\"fvu\"") && d.evalJson().contains("\"ce_recovered\""), d.evalJson());
                List<FeatureSummary> fs = s.listFeatures(d.id(), new FeatureQuery(FeatureQuery.Sort.MAX_ACT, true, 0, 1, Double.NEGATIVE_INFINITY,
                        "top_and_random", 5, 0, null)).items();
                assertFalse(fs.isEmpty(), d.name());
                FeatureDetail top = s.feature(d.id(), fs.getFirst().feature()).orElseThrow();
                assertFalse(top.topExamples().isEmpty(), d.name() + " top feature has examples");
                assertTrue(top.topExamples().getFirst().maxAct() > 0);
                long explained = 0;
                for (int f = 0; f < d.dFeatures() && explained == 0; f++) explained += s.explanations(d.id(), f).size();
                assertTrue(explained > 0, d.name() + " has explanations");
            }
            assertEquals(512, s.requireDictionary("sae").dFeatures());
            assertEquals(512, s.requireDictionary("random").dFeatures());
            assertEquals(4, s.requireDictionary("ica").dFeatures());
        }
        long stamp = Files.getLastModifiedTime(db).toMillis();

        r = demo(ws, "--analysis-tokens", "4000");
        assertEquals("0", r[0], r[2]);
        assertFalse(r[1].contains("harvest activations") || r[1].contains("train SAE") || r[1].contains("analyze"), r[1]);
        assertTrue(r[1].contains("up to date"), r[1]);
        assertEquals(stamp, Files.getLastModifiedTime(db).toMillis());

        r = demo(ws, "--analysis-tokens", "3000");
        assertEquals("0", r[0], r[2]);
        assertFalse(r[1].contains("harvest activations") || r[1].contains("train SAE") || r[1].contains("fit baselines"), r[1]);
        assertTrue(r[1].contains("analyze sae") && r[1].contains("analyze random"), r[1]);
    }

    @Test void badFlagsAreOneLineErrors(@TempDir Path ws) {
        String[] r = demo(ws, "--analysis-tokens", "5");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--analysis-tokens 5") && !r[2].contains("\tat "), r[2]);
        r = MainTest.run("demo", "--no-serve", "--model", ws.resolve("nope").toString(), "--workspace", ws.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("nope"), r[2]);
        r = demo(ws, "--hook", "blocks.9.mlp.hook_post", "--analysis-tokens", "4000");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("blocks.9.mlp.hook_post"), r[2]);
    }
}
