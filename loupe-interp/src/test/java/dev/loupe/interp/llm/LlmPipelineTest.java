package dev.loupe.interp.llm;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.interp.InterpBackends;
import dev.loupe.interp.InterpPipeline;
import dev.loupe.interp.InterpStores;
import dev.loupe.interp.InterpSummary;
import dev.loupe.store.Explanation;
import dev.loupe.store.FeatureStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store pipeline with the LLM explainer on a fake server: cost per feature, prompt hash, explainer model. */
class LlmPipelineTest {
    @Test void storesCostPromptHashAndModel(@TempDir Path dir) throws Exception {
        try (FakeOpenAiServer server = new FakeOpenAiServer(i -> FakeOpenAiServer.Reply.ok(FakeOpenAiServer.chatBody(" the token \"red\".", null, 1000)));
             FeatureStore s = FeatureStore.open(dir.resolve("loupe.db"))) {
            long d = InterpStores.write(s, "sae", "standard");
            var opts = new InterpBackends("openai", "builtin", null, OpenAiConfig.of(server.baseUrl(), "fake-model"), 2.0).options();
            ByteArrayOutputStream bar = new ByteArrayOutputStream();
            InterpSummary sum = InterpPipeline.run(s, d, opts, new PrintStream(bar, true));
            assertEquals(2, server.seen.size(), "one explanation request per feature that is not skipped");
            assertEquals(2000, sum.tokens());
            assertEquals(0.004, sum.costUsd(), 1e-12);
            assertTrue(bar.toString().contains("$0.0040"), bar.toString());
            for (int f : new int[] {0, 2}) {
                Explanation e = s.explanations(d, f).get(0);
                assertEquals("openai:fake-model", e.method());
                assertEquals("openai:fake-model", e.explainerModel());
                assertEquals(0.002, e.costUsd(), 1e-12, "1000 tokens at $2 per million, counted on the feature's own thread");
                assertTrue(e.promptHash().matches("[0-9a-f]{64}"), e.promptHash());
            }
            assertEquals(1.0, s.explanations(d, 0).get(0).scores().get(0).value(), 1e-9);
        }
    }
}
