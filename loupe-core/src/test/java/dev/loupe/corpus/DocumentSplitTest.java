package dev.loupe.corpus;

import dev.loupe.util.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class DocumentSplitTest {
    @Test
    void fractionIsRespectedAndDeterministic() {
        DocumentSplit s = new DocumentSplit(0.1, 42);
        long held = IntStream.range(0, 20_000).filter(i -> s.isHeldOut("doc-" + i)).count();
        // binomial(20000, 0.1): sd ≈ 42, so ±250 is a ~6-sigma band
        assertTrue(Math.abs(held - 2000) < 250, "held out " + held);
        for (int i = 0; i < 100; i++) assertEquals(s.isHeldOut("doc-" + i), new DocumentSplit(0.1, 42).isHeldOut("doc-" + i));
    }

    @Test
    void seedChangesTheAssignmentAndEdgesAreExact() {
        DocumentSplit a = new DocumentSplit(0.5, 1), b = new DocumentSplit(0.5, 2);
        long differ = IntStream.range(0, 1000).filter(i -> a.isHeldOut("x" + i) != b.isHeldOut("x" + i)).count();
        assertTrue(differ > 400 && differ < 600, "differ " + differ);
        assertTrue(IntStream.range(0, 1000).noneMatch(i -> new DocumentSplit(0, 3).isHeldOut("x" + i)));
        assertTrue(IntStream.range(0, 1000).allMatch(i -> new DocumentSplit(1, 3).isHeldOut("x" + i)));
        assertThrows(ConfigException.class, () -> new DocumentSplit(1.5, 0));
        assertThrows(ConfigException.class, () -> new DocumentSplit(Double.NaN, 0));
    }

    @Test
    void trainAndHeldOutPartitionTheStream() {
        DocumentSplit s = new DocumentSplit(0.3, 7);
        var docs = IntStream.range(0, 500).mapToObj(i -> new Document("d" + i, "t")).toList();
        long train = s.train(docs.stream()).count(), held = s.heldOut(docs.stream()).count();
        assertEquals(500, train + held);
        assertTrue(s.heldOut(Stream.of(docs.toArray(Document[]::new))).allMatch(d -> s.isHeldOut(d.id())));
        // a held-out set is stable when the corpus grows: membership depends on the id alone
        var more = IntStream.range(0, 1000).mapToObj(i -> new Document("d" + i, "t")).toList();
        assertEquals(s.heldOut(docs.stream()).toList(), s.heldOut(more.stream()).filter(d -> Integer.parseInt(d.id().substring(1)) < 500).toList());
    }
}
