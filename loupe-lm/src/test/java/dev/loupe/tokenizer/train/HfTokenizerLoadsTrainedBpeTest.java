package dev.loupe.tokenizer.train;

import dev.loupe.corpus.Document;
import dev.loupe.corpus.TextCorpus;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The tokenizer contract: the tokenizer.json written by {@link BpeModel#write} loads in the
 * project's HF tokenizer, gives the same ids as the trainer's own encoder, and round-trips every
 * held-out document of a JDK source slice losslessly.
 */
class HfTokenizerLoadsTrainedBpeTest {
    @Test void hfTokenizerLoadsAndRoundTripsHeldOut(@TempDir Path dir) throws Exception {
        List<Document> docs = new ArrayList<>();
        try (ZipFile zip = new ZipFile(TextCorpus.defaultCorpus().toFile())) {
            for (var e : Collections.list(zip.entries())) {
                if (!e.getName().startsWith("java.base/java/util/concurrent/") || e.isDirectory()) continue;
                try (InputStream in = zip.getInputStream(e)) {
                    docs.add(new Document(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
        }
        var split = TextCorpus.split(docs, 0.2);
        var trainer = new BpeTrainer(1024);
        split.train().forEach(d -> trainer.add(d.text()));
        BpeModel ours = trainer.train(null);
        ours.write(dir);
        Tokenizer hf = Tokenizers.load(dir);
        assertEquals(ours.vocabSize(), hf.vocabSize());
        assertEquals(ours.endOfTextId(), hf.eosId().orElse(-1));
        for (var d : split.heldOut()) {
            int[] ids = hf.encode(d.text(), false);
            assertArrayEquals(ours.encode(d.text()), ids, d.id());
            assertEquals(d.text(), hf.decode(ids, false), d.id());
        }
        String special = "a<|endoftext|>b";
        assertArrayEquals(ours.encode(special), hf.encode(special, false));
    }
}
