// The probing-dataset format: round trip, code-point offsets, and a one-line error naming the file and
// line for each kind of bad input.
package dev.loupe.probe;

import dev.loupe.util.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ProbeDatasetTest {
    @TempDir Path dir;

    private static final String HEADER = "{\"loupe_probe_dataset\": 1, \"concept\": \"c\", \"level\": \"token\", \"classes\": [\"other\", \"yes\"]}";

    @Test
    void roundTripsTokenSequenceAndPrecomputedExamples() throws Exception {
        // "😀" is one code point but two Java chars: code-point span [1, 3) is chars [2, 4)
        Path f = dir.resolve("d.jsonl");
        Files.writeString(f, HEADER + "\n{\"id\": \"e1\", \"group\": \"g\", \"text\": \"😀ab c\", \"spans\": [[1, 3, \"yes\"]], \"default\": null}\n\n"
                + "{\"text\": \"plain\"}\n");
        ProbeDataset d = ProbeDataset.read(f);
        ProbeDataset.Example e = d.examples().getFirst();
        assertEquals(new ProbeDataset.Span(2, 4, 1), e.spans().getFirst());
        assertEquals("ab", e.text().substring(2, 4));
        assertEquals(-1, e.defaultLabel());
        assertEquals(1, e.labelAt(3));
        assertEquals(-1, e.labelAt(4));
        assertEquals("line4", d.examples().get(1).id());
        assertEquals(0, d.examples().get(1).defaultLabel());
        Path g = dir.resolve("again.jsonl");
        d.write(g);
        ProbeDataset back = ProbeDataset.read(g);
        assertEquals(d.header(), back.header());
        assertEquals(e.spans(), back.examples().getFirst().spans());
        assertEquals("g", back.examples().getFirst().group());
        assertEquals(-1, back.examples().getFirst().defaultLabel());

        ProbeDataset pre = new ProbeDataset(new ProbeDataset.Header("p", ProbeDataset.Level.TOKEN, List.of("n", "y"), null, null),
                List.of(ProbeDataset.Example.precomputed("a", "a", new float[] {1, 2, 3, 4, 5, 6}, new int[] {0, 1, -1})));
        pre.write(g);
        ProbeDataset preBack = ProbeDataset.read(g);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, preBack.examples().getFirst().activations());
        assertArrayEquals(new int[] {0, 1, -1}, preBack.examples().getFirst().tokenLabels());
        assertTrue(preBack.precomputed());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"text\": \"x\"}|line 1: the first line must be the header",
            "HEADERNL{\"text\": \"abc\", |line 2: not valid JSON",
            "HEADERNL[1, 2]|line 2: expected a JSON object",
            "HEADERNL{\"txt\": \"abc\"}|line 2: missing string field \"text\"",
            "HEADERNL{\"text\": \"abc\", \"spans\": [[0, 4, 1]]}|line 2: span [0,4,1] is not a range inside the text of 3 characters",
            "HEADERNL{\"text\": \"abc\", \"spans\": [[0, 2, 1], [1, 3, 1]]}|line 2: span [1,3,1] overlaps",
            "HEADERNL{\"text\": \"abc\", \"spans\": [[0, 2, \"maybe\"]]}|line 2: class \"maybe\" is not an index 0..1 or a name in [other, yes]",
            "HEADERNL{\"id\": \"a\", \"text\": \"x\"}NL{\"id\": \"a\", \"text\": \"y\"}|line 3: duplicate id 'a'",
            "HEADERNL{\"activations\": [[1, 2], [3]], \"labels\": [0, 1]}|line 2: activation row 1 has 1 values, row 0 has 2",
            "HEADERNL{\"activations\": [[1, 2]], \"labels\": [0]}NL{\"activations\": [[1, 2, 3]], \"labels\": [0]}|line 3: has 3 units per token but earlier lines have 2",
            "{\"loupe_probe_dataset\": 2, \"concept\": \"c\"}|line 1: header has format version 2",
            "{\"loupe_probe_dataset\": 1, \"concept\": \"c\", \"level\": \"word\", \"classes\": [\"a\", \"b\"]}|line 1: level 'word' must be one of [token, sequence]",
            "HEADER|has a header but no examples"})
    void badLinesGiveOneLineErrorsNamingTheLine(String content, String expected) throws Exception {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, content.replace("HEADER", HEADER).replace("NL", "\n"));
        FormatException e = assertThrows(FormatException.class, () -> ProbeDataset.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
