// Activation rows for probing, checked against direct forward passes of models/loupe-1l: token
// rows are the hook's values at the right positions (BOS dropped, long examples cut into
// context-length windows each with its own BOS), labels follow the last-character rule, sequence
// rows aggregate as stated, and feature rows are the dictionary's codes of the neuron rows.
package dev.loupe.probe;

import dev.loupe.corpus.TokenWindows;
import dev.loupe.dictionary.Baselines;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.tensor.Tensor;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;
import dev.loupe.util.ConfigException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ProbeActivationsTest {
    static final String HOOK = "blocks.0.mlp.hook_post";
    static Transformer model;
    static Tokenizer tok;
    static ProbeActivations.Source src;

    @BeforeAll
    static void load() {
        model = ModelLoader.load(TokenAlignmentTest.LOUPE_1L);
        tok = Tokenizers.load(TokenAlignmentTest.LOUPE_1L);
        src = new ProbeActivations.Source(model, tok, HOOK);
    }

    private static float[] hook(int[] window) {
        return model.runWithCache(new int[][] {window}, List.of(HOOK)).get(HOOK).data();   // [1, len, 512]
    }

    @Test
    void tokenRowsAreTheHookAtEachLabelledTokenWithWindowsForLongExamples() {
        StringBuilder sb = new StringBuilder("String s = \"hello\";\n");
        while (tok.encode(sb.toString(), false).length < 200) sb.append("int value").append(sb.length()).append(" = 1;\n");
        String text = sb.toString();
        int q0 = text.indexOf('"'), q1 = text.indexOf('"', q0 + 1) + 1;
        ProbeDataset ds = new ProbeDataset(new ProbeDataset.Header("s", ProbeDataset.Level.TOKEN, List.of("other", "string"), null, null),
                List.of(ProbeDataset.Example.tokens("e", "e", text, List.of(new ProbeDataset.Span(q0, q1, 1)), 0)));
        ProbeActivations.Result r = ProbeActivations.collect(ds, src, null, null, 100_000);
        int[] ids = tok.encode(text, false);
        int units = 512, body = model.config().nCtx() - 1, bos = TokenWindows.bosOrEos(tok);
        assertEquals(ids.length, r.neurons().n());
        assertEquals(units, r.neurons().units());
        for (int from = 0; from < ids.length; from += body) {
            int len = Math.min(body, ids.length - from);
            int[] w = new int[len + 1];
            w[0] = bos;
            System.arraycopy(ids, from, w, 1, len);
            float[] h = hook(w);
            for (int t : new int[] {0, len - 1})
                assertArrayEquals(Arrays.copyOfRange(h, (t + 1) * units, (t + 2) * units),
                        Arrays.copyOfRange(r.neurons().x(), (from + t) * units, (from + t + 1) * units), "token " + (from + t));
        }
        // labels: exactly the tokens whose last character lies inside the quotes
        TokenAlignment.Aligned a = TokenAlignment.align(tok, text);
        long expected = 0;
        for (int i = 0; i < a.size(); i++) {
            boolean in = a.end()[i] - 1 >= q0 && a.end()[i] - 1 < q1;
            assertEquals(in ? 1 : 0, r.neurons().labels()[i], "token " + i);
            if (in) expected++;
        }
        assertTrue(expected >= 2);
        assertEquals(expected, r.neurons().count(1));
    }

    @Test
    void sequenceRowsAggregateLastMeanAndMax() {
        String text = "import java.util.List;";
        ProbeDataset ds = new ProbeDataset(new ProbeDataset.Header("q", ProbeDataset.Level.SEQUENCE, List.of("no", "yes"), ProbeDataset.Aggregation.MEAN, null),
                List.of(ProbeDataset.Example.sequence("a", "a", text, 1), ProbeDataset.Example.sequence("b", "b", "int x;", 0)));
        int[] ids = tok.encode(text, false);
        int[] w = new int[ids.length + 1];
        w[0] = TokenWindows.bosOrEos(tok);
        System.arraycopy(ids, 0, w, 1, ids.length);
        float[] h = hook(w);
        int u = 512, n = ids.length;
        for (ProbeDataset.Aggregation agg : ProbeDataset.Aggregation.values()) {
            ProbeActivations.Rows rows = ProbeActivations.collect(ds, src, null, agg, 100).neurons();
            assertEquals(2, rows.n());
            assertArrayEquals(new int[] {1, 0}, rows.labels());
            for (int j : new int[] {0, 7, 300}) {
                double want = switch (agg) {
                    case LAST -> h[n * u + j];
                    case MEAN -> { double s = 0; for (int t = 1; t <= n; t++) s += h[t * u + j]; yield s / n; }
                    case MAX -> { double m = Double.NEGATIVE_INFINITY; for (int t = 1; t <= n; t++) m = Math.max(m, h[t * u + j]); yield m; }
                };
                assertEquals(want, get(rows, 0, j), 1e-5, agg + " unit " + j);
            }
        }
    }

    @Test
    void featureRowsAreTheDictionaryCodesOfTheNeuronRows() {
        ProbeDataset ds = ProbeDatasets.java("java-identifier", List.of(new dev.loupe.corpus.Document("D.java", "class Dog { int count = size(); String name; }\n")),
                ProbeDatasets.Options.defaults());
        Dictionary dict = Baselines.randomDirections(512, 64, 3);
        ProbeActivations.Result r = ProbeActivations.collect(ds, src, dict, null, 1000);
        float[] codes = dict.encode(new Tensor(r.neurons().x(), r.neurons().n(), 512)).data();
        assertArrayEquals(codes, r.features().x(), 1e-6f);
        assertArrayEquals(r.neurons().labels(), r.features().labels());
        assertTrue(r.neurons().count(1) >= 5, "Dog, count, size, String and name are identifiers");
        ConfigException e = assertThrows(ConfigException.class, () -> ProbeActivations.collect(ds, src, Baselines.randomDirections(128, 8, 1), null, 1000));
        assertTrue(e.getMessage().contains("reads 128-wide activations but the hook gives 512"), e.getMessage());
    }

    private static float get(ProbeActivations.Rows r, int row, int unit) { return r.x()[row * r.units() + unit]; }
}
