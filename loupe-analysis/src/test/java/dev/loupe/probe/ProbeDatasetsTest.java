// The concept generators on hand-made inputs: spans counted by hand, chunks cut at line ends and
// grouped by source file, and the synthetic dataset carrying SyntheticProbing's rows unchanged.
package dev.loupe.probe;

import dev.loupe.corpus.Document;
import dev.loupe.util.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ProbeDatasetsTest {
    @Test
    void storiesLabelQuotedPassagesAndNamesSeenMidSentence() {
        List<String> stories = List.of("Lily saw Tom. She said \"Hi Tom\". Tom smiled", "Once there was a dog named Max. \"Run");
        ProbeDataset q = ProbeDatasets.stories("stories-quote", stories);
        assertEquals(List.of(new ProbeDataset.Span(23, 31, 1)), q.examples().get(0).spans());      // "Hi Tom" with its quotes
        assertEquals(List.of(new ProbeDataset.Span(32, 36, 1)), q.examples().get(1).spans());      // unclosed: to the end
        ProbeDataset n = ProbeDatasets.stories("stories-name", stories);
        // Tom (after "saw") and Max (after "named") are seen mid-sentence; Lily, She, Once only start sentences
        assertEquals(List.of(new ProbeDataset.Span(9, 12, 1), new ProbeDataset.Span(27, 30, 1), new ProbeDataset.Span(33, 36, 1)), n.examples().get(0).spans());
        assertEquals(List.of(new ProbeDataset.Span(27, 30, 1)), n.examples().get(1).spans());
        assertEquals(List.of("other", "name"), n.header().classes());
    }

    @Test
    void javaImportChunksComeFromTheTopCutAtLineEnds() {
        String src = "package p;\nimport a.B;\nimport c.D;\n\nclass E {\n  int x;\n}\n";
        ProbeDatasets.Options o = new ProbeDatasets.Options(null, null, 10, 30, 5, 0);
        ProbeDataset d = ProbeDatasets.java("java-import", List.of(new Document("E.java", src)), o);
        List<String> texts = d.examples().stream().map(ProbeDataset.Example::text).toList();
        assertEquals(List.of("package p;\nimport a.B;\n", "import c.D;\n\nclass E {\n", "  int x;\n}\n"), texts);
        assertEquals(List.of(new ProbeDataset.Span(11, 23, 1)), d.examples().get(0).spans());
        assertEquals(List.of(new ProbeDataset.Span(0, 12, 1)), d.examples().get(1).spans());
        assertTrue(d.examples().stream().allMatch(e -> e.group().equals("E.java")));
        assertThrows(ConfigException.class, () -> ProbeDatasets.generate("java-nothing", o));
    }

    @Test
    void javaChunksElsewhereStartAtLineStartsAndKeepLabelsOfCommentsOpenedEarlier() {
        StringBuilder sb = new StringBuilder("/**\n");
        for (int i = 0; i < 40; i++) sb.append(" * line ").append(i).append('\n');
        sb.append(" */\nclass F { String s = \"x\"; }\n");
        String src = sb.toString();
        ProbeDataset d = ProbeDatasets.java("java-javadoc", List.of(new Document("F.java", src)), new ProbeDatasets.Options(null, null, 10, 60, 4, 7));
        for (ProbeDataset.Example e : d.examples()) {
            int from = Integer.parseInt(e.id().substring(e.id().indexOf('@') + 1));
            assertTrue(from == 0 || src.charAt(from - 1) == '\n', "chunk starts at a line start");
            assertEquals(src.substring(from, from + e.text().length()), e.text());
            int docEnd = src.indexOf("*/") + 2;
            for (int c = 0; c < e.text().length(); c++) assertEquals(from + c < docEnd ? 1 : 0, e.labelAt(c), e.id() + " char " + c);
        }
    }

    @Test
    void syntheticDatasetHoldsThePlantedRows() {
        ProbeDataset d = ProbeDatasets.synthetic("synthetic-superposed", 10, 4);
        SyntheticProbing.Setting s = SyntheticProbing.generate(4, 10, ProbeDatasets.SYNTHETIC_TOKENS, ProbeDatasets.SYNTHETIC_NEURONS);
        assertEquals(10, d.examples().size());
        ProbeDataset.Example third = d.examples().get(2);
        int u = ProbeDatasets.SYNTHETIC_NEURONS, t = ProbeDatasets.SYNTHETIC_TOKENS;
        assertArrayEquals(Arrays.copyOfRange(s.superposed().x(), 2 * t * u, 3 * t * u), third.activations());
        assertArrayEquals(Arrays.copyOfRange(s.superposed().y(), 2 * t, 3 * t), third.tokenLabels());
    }
}
