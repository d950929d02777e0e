package dev.loupe.lm;

import dev.loupe.corpus.Document;
import dev.loupe.corpus.TextCorpus;
import dev.loupe.tokenizer.train.BpeModel;
import dev.loupe.tokenizer.train.BpeTrainer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.*;

/** The LM issue's tokenizer round-trip on the real default corpus, through {@link TextCorpus}'s split. */
class JdkTokenizerRoundTripTest {
    /**
     * The tokenizer test on the real default corpus: a BPE learned on the training files of a
     * slice of the JDK's src.zip (read directly here, as the full corpus is too big for a unit test)
     * encodes and decodes every held-out file of that slice losslessly.
     */
    @Test void tokenizerRoundTripsHeldOutJdkSources() throws IOException {
        Path src = TextCorpus.defaultCorpus();
        List<Document> docs = new ArrayList<>();
        try (ZipFile zip = new ZipFile(src.toFile())) {
            for (var e : Collections.list(zip.entries())) {
                if (!e.getName().startsWith("java.base/java/util/concurrent/") || e.isDirectory()) continue;
                try (InputStream in = zip.getInputStream(e)) {
                    docs.add(new Document(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
        }
        var split = TextCorpus.split(docs, 0.2);
        assertFalse(split.heldOut().isEmpty());
        var trainer = new BpeTrainer(1024);
        split.train().forEach(d -> trainer.add(d.text()));
        BpeModel tok = trainer.train(null);
        long bytes = 0, tokens = 0;
        for (var d : split.heldOut()) {
            int[] ids = tok.encode(d.text());
            assertEquals(d.text(), tok.decode(ids), d.id());
            bytes += d.text().length();
            tokens += ids.length;
        }
        assertTrue(bytes > 2.5 * tokens, "a 1024-token BPE should compress Java source: " + bytes + " chars, " + tokens + " tokens");
        Path tokDir = Files.createTempDirectory("tok");
        tok.write(tokDir);
        TokenSplit ts = TrainLm.tokenize(split, TrainLm.tokenizer(tokDir));
        assertEquals(tok.endOfTextId(), ts.heldOut()[ts.heldOut().length - 1]);
        assertTrue(TrainLm.unigramLoss(ts, tok.vocabSize()) < Math.log(tok.vocabSize()));
    }
}
