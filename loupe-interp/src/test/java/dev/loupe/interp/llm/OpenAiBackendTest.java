package dev.loupe.interp.llm;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.interp.ActivationRecord;
import dev.loupe.interp.AutoInterp;
import dev.loupe.interp.FeatureRecords;
import dev.loupe.interp.FeatureResult;
import dev.loupe.interp.InterpFailure;
import dev.loupe.interp.SplitConfig;
import dev.loupe.interp.prompt.ExplanationPrompt;
import dev.loupe.util.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP backend against a scripted fake server on 127.0.0.1. */
class OpenAiBackendTest {
    static final String KEY = "sk-test-SECRET-123";
    static final List<ActivationRecord> RECORDS = List.of(new ActivationRecord(new String[] {" a", " cat"}, new float[] {0, 3}));

    static OpenAiConfig fast(FakeOpenAiServer s) {
        // generous timeout: the build machine can be heavily loaded; only the timeout tests use short ones
        return OpenAiConfig.of(s.baseUrl(), "test-model").withTimeout(Duration.ofSeconds(10)).withRetries(2, Duration.ofMillis(10));
    }

    @Test void explainerSendsBillsPromptAndParsesTheReply() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer(i -> FakeOpenAiServer.Reply.ok(FakeOpenAiServer.chatBody(" mentions of cats.", null, 42)))) {
            OpenAiClient c = new OpenAiClient(fast(s).withApiKeyEnv("LOUPE_TEST_KEY"), Map.of("LOUPE_TEST_KEY", KEY)::get);
            var e = new LlmExplainer(c).explain(RECORDS, Map.of());
            assertEquals("mentions of cats", e.text());
            assertEquals("openai:test-model", e.source());
            var req = new ObjectMapper().readTree(s.seen.get(0).body());
            assertEquals("test-model", req.get("model").asText());
            var msgs = req.get("messages");
            assertTrue(msgs.get(msgs.size() - 1).get("content").asText().endsWith(ExplanationPrompt.PREFIX));
            assertEquals("Bearer " + KEY, s.seen.get(0).authorization());
            assertFalse(s.seen.get(0).body().contains(KEY));
            assertEquals(42, c.tokensUsed());
        }
    }

    @Test void tokenListExplainerShowsTheTopTokensOfTheTable() throws Exception {
        assertEquals(List.of(" b", " a", " c"), dev.loupe.interp.prompt.TokenListPrompt.topTokens(Map.of(" a", 1.0, " b", 3.0, " c", 1.0, " d", -2.0), 3));
        try (FakeOpenAiServer s = new FakeOpenAiServer(i -> FakeOpenAiServer.Reply.ok(FakeOpenAiServer.chatBody(" words for pets.", null, 7)))) {
            LlmTokenListExplainer ex = new LlmTokenListExplainer(new OpenAiClient(fast(s)), 2);
            assertEquals("words for pets", ex.explain(List.of(), Map.of(" cat", 2.0, " dog", 3.0, " the", 0.1)).text());
            var msgs = new ObjectMapper().readTree(s.seen.get(0).body()).get("messages");
            assertEquals("\n\nTokens:\n' dog', ' cat'\n\nExplanation: the main thing this neuron does is find", msgs.get(1).get("content").asText());
            assertThrows(InterpFailure.class, () -> ex.explain(List.of(), Map.of()));
        }
    }

    @Test void logprobModeReadsTheDigitDistributionAtEachValue() throws Exception {
        // the model re-emits "<start>\n cat\t7\n sat\t0\n<end>"; the value tokens carry alternatives
        String lp = "[" + tok("<start>\n", Map.of()) + "," + tok(" cat", Map.of()) + "," + tok("\t", Map.of()) + ","
                + tok("7", Map.of("7", Math.log(0.5), "8", Math.log(0.25), "x", Math.log(0.25))) + "," + tok("\n", Map.of()) + ","
                + tok(" sat", Map.of()) + "," + tok("\t0", Map.of("\t0", Math.log(0.9), "\t10", Math.log(0.1))) + "," + tok("\n<end>", Map.of()) + "]";
        String content = "<start>\n cat\t7\n sat\t0\n<end>";
        try (FakeOpenAiServer s = new FakeOpenAiServer(i -> FakeOpenAiServer.Reply.ok(FakeOpenAiServer.chatBody(content, lp, 10)))) {
            LlmSimulator sim = new LlmSimulator(new OpenAiClient(fast(s)), "cats", LlmSimulator.Mode.LOGPROBS);
            double[] v = sim.simulate(new String[] {" cat", " sat"});
            // slot 1: p(7) = .5, p(8) = .25 → renormalised EV = (7·.5 + 8·.25) / .75; slot 2: 10·.1 / 1.0 (merged "\t0" token)
            assertArrayEquals(new double[] {(3.5 + 2.0) / 0.75, 1.0}, v, 1e-9);
            var req = new ObjectMapper().readTree(s.seen.get(0).body());
            assertTrue(req.get("logprobs").asBoolean());
            assertEquals(15, req.get("top_logprobs").asInt());
        }
    }

    @Test void logprobModeFailsWhenTheReplyDoesNotReproduceTheTokens() throws Exception {
        String content = "<start>\n dog\t3\n<end>";
        String lp = "[" + tok(content, Map.of("3", -0.1)) + "]";
        try (FakeOpenAiServer s = new FakeOpenAiServer(i -> FakeOpenAiServer.Reply.ok(FakeOpenAiServer.chatBody(content, lp, 1)))) {
            LlmSimulator sim = new LlmSimulator(new OpenAiClient(fast(s)), "cats", LlmSimulator.Mode.LOGPROBS);
            InterpFailure f = assertThrows(InterpFailure.class, () -> sim.simulate(new String[] {" cat"}));
            assertTrue(f.getMessage().contains("expected token ' cat'"), f.getMessage());
        }
        try (FakeOpenAiServer s = new FakeOpenAiServer(i -> FakeOpenAiServer.Reply.ok(FakeOpenAiServer.chatBody(" cat\t3", null, 1)))) {
            LlmSimulator sim = new LlmSimulator(new OpenAiClient(fast(s)), "cats", LlmSimulator.Mode.LOGPROBS);
            assertTrue(assertThrows(InterpFailure.class, () -> sim.simulate(new String[] {" cat"})).getMessage().contains("JSON mode"));
        }
    }

    @Test void jsonModeParsesActivationsAndRejectsBadCounts() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer(i -> FakeOpenAiServer.Reply.ok(FakeOpenAiServer.chatBody(
                i == 0 ? "```json\n{\"activations\": [0, 9]}\n```" : "{\"activations\": [1]}", null, 5)))) {
            LlmSimulator sim = new LlmSimulator(new OpenAiClient(fast(s)), "cats", LlmSimulator.Mode.JSON);
            assertArrayEquals(new double[] {0, 9}, sim.simulate(new String[] {" a", " cat"}), 0);
            assertTrue(assertThrows(InterpFailure.class, () -> sim.simulate(new String[] {" a", " dog"})).getMessage().contains("1 activations for 2 tokens"));
        }
        assertThrows(InterpFailure.class, () -> LlmSimulator.parseJson("{\"activations\": [0, 11]}", 2));
        assertThrows(InterpFailure.class, () -> LlmSimulator.parseJson("sure! here: 0 9", 2));
    }

    @Test void retriesAfter429ThenSucceeds() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer(i -> i == 0
                ? new FakeOpenAiServer.Reply(429, "{\"error\":\"slow down\"}", 0, "0", FakeOpenAiServer.Cut.NONE)
                : FakeOpenAiServer.Reply.ok(FakeOpenAiServer.chatBody(" cats.", null, 3)))) {
            OpenAiClient c = new OpenAiClient(fast(s));
            assertEquals("cats", new LlmExplainer(c).explain(RECORDS, Map.of()).text());
            assertEquals(2, c.requestsSent());
        }
    }

    @Test void serverErrorsAndTimeoutsGiveUpWithAReason() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer(i -> FakeOpenAiServer.Reply.status(503, "overloaded"))) {
            OpenAiClient c = new OpenAiClient(fast(s));
            InterpFailure f = assertThrows(InterpFailure.class, () -> new LlmExplainer(c).explain(RECORDS, Map.of()));
            assertTrue(f.getMessage().contains("HTTP 503") && f.getMessage().contains("3 attempts"), f.getMessage());
            assertEquals(3, c.requestsSent());
        }
        try (FakeOpenAiServer s = new FakeOpenAiServer(i -> new FakeOpenAiServer.Reply(200, FakeOpenAiServer.chatBody("x", null, 1), 2000, null, FakeOpenAiServer.Cut.NONE))) {
            OpenAiClient c = new OpenAiClient(fast(s).withRetries(1, Duration.ofMillis(1)).withTimeout(Duration.ofMillis(150)));
            InterpFailure f = assertThrows(InterpFailure.class, () -> c.chat(ExplanationPrompt.build(RECORDS), 10, 0, false));
            assertTrue(f.getMessage().contains("timeout after 150 ms"), f.getMessage());
            assertEquals(2, c.requestsSent());
        }
        try (FakeOpenAiServer s = new FakeOpenAiServer(i -> FakeOpenAiServer.Reply.status(401, "{\"error\":\"bad key\"}"))) {
            OpenAiClient c = new OpenAiClient(fast(s).withApiKeyEnv("K"), Map.of("K", KEY)::get);
            InterpFailure f = assertThrows(InterpFailure.class, () -> c.chat(ExplanationPrompt.build(RECORDS), 10, 0, false));
            assertEquals(1, c.requestsSent());  // 4xx other than 429 is not retried
            assertFalse(f.getMessage().contains(KEY));
        }
    }

    @Test void malformedAndTruncatedRepliesFail() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer(i -> FakeOpenAiServer.Reply.ok("{\"choices\": [{\"message\": {\"content\": \"hi\"}"))) {
            InterpFailure f = assertThrows(InterpFailure.class, () -> new OpenAiClient(fast(s)).chat(ExplanationPrompt.build(RECORDS), 10, 0, false));
            assertTrue(f.getMessage().startsWith("malformed JSON reply"), f.getMessage());
        }
        try (FakeOpenAiServer s = new FakeOpenAiServer(i -> FakeOpenAiServer.Reply.ok("{\"choices\": []}"))) {
            assertThrows(InterpFailure.class, () -> new OpenAiClient(fast(s)).chat(ExplanationPrompt.build(RECORDS), 10, 0, false));
        }
    }

    @Test void chunkedHalfReplyIsMalformed() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer(i -> new FakeOpenAiServer.Reply(200, FakeOpenAiServer.chatBody("fine", null, 1), 0, null, FakeOpenAiServer.Cut.CHUNKED_HALF))) {
            OpenAiClient c = new OpenAiClient(fast(s));
            InterpFailure f = assertThrows(InterpFailure.class, () -> c.chat(ExplanationPrompt.build(RECORDS), 10, 0, false));
            assertTrue(f.getMessage().startsWith("malformed JSON reply"), f.getMessage());
            assertEquals(1, c.requestsSent());  // a complete but malformed reply is not retried
        }
    }

    @Test void truncatedStreamIsRetriedThenFails() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer(i -> new FakeOpenAiServer.Reply(200, FakeOpenAiServer.chatBody("fine", null, 1), 0, null, FakeOpenAiServer.Cut.SHORT_FIXED_LENGTH))) {
            OpenAiClient c = new OpenAiClient(fast(s).withTimeout(Duration.ofMillis(200)));
            InterpFailure f = assertThrows(InterpFailure.class, () -> c.chat(ExplanationPrompt.build(RECORDS), 10, 0, false));
            // the stream never completes: seen as an I/O error or a timeout depending on how the socket ends; retried either way
            assertTrue((f.getMessage().contains("I/O error") || f.getMessage().contains("timeout")) && f.getMessage().contains("3 attempts"), f.getMessage());
        }
    }

    @Test void cacheServesRepeatsAndBudgetStopsSpending(@TempDir Path dir) throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer(i -> FakeOpenAiServer.Reply.ok(FakeOpenAiServer.chatBody(" reply " + i + ".", null, 100)))) {
            OpenAiClient c = new OpenAiClient(fast(s).withCacheDir(dir).withTokenBudget(150).withApiKeyEnv("K"), Map.of("K", KEY)::get);
            LlmExplainer ex = new LlmExplainer(c);
            assertEquals("reply 0", ex.explain(RECORDS, Map.of()).text());
            assertEquals("reply 0", ex.explain(RECORDS, Map.of()).text());  // cached: no new request, no cost
            assertEquals(1, c.requestsSent());
            assertEquals(100, c.tokensUsed());
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) assertFalse(Files.readString(p).contains(KEY));
            }
            List<ActivationRecord> other = List.of(new ActivationRecord(new String[] {" dog"}, new float[] {1}));
            assertEquals("reply 1", ex.explain(other, Map.of()).text());  // 100 < 150: allowed, now 200 used
            List<ActivationRecord> third = List.of(new ActivationRecord(new String[] {" eel"}, new float[] {1}));
            assertTrue(assertThrows(InterpFailure.class, () -> ex.explain(third, Map.of())).getMessage().contains("budget"));
        }
    }

    @Test void concurrencyIsBounded() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer(i -> new FakeOpenAiServer.Reply(200, FakeOpenAiServer.chatBody(" x.", null, 1), 100, null, FakeOpenAiServer.Cut.NONE));
             ExecutorService pool = Executors.newFixedThreadPool(6)) {
            OpenAiClient c = new OpenAiClient(fast(s).withMaxConcurrency(2));
            List<Future<?>> fs = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                List<ActivationRecord> recs = List.of(new ActivationRecord(new String[] {" w" + k}, new float[] {1}));
                fs.add(pool.submit(() -> new LlmExplainer(c).explain(recs, Map.of())));
            }
            for (Future<?> f : fs) f.get();
            assertEquals(6, s.seen.size());
            assertTrue(s.maxInFlight.get() <= 2, "max in flight " + s.maxInFlight.get());
        }
    }

    @Test void missingKeyIsAConfigErrorAndAFailedFeatureDoesNotStopTheRun() throws Exception {
        ConfigException ce = assertThrows(ConfigException.class, () -> new OpenAiClient(OpenAiConfig.of("http://127.0.0.1:1/v1", "m").withApiKeyEnv("NOPE"), k -> null));
        assertTrue(ce.getMessage().contains("NOPE"));
        assertThrows(ConfigException.class, () -> OpenAiConfig.of("ftp://x", "m"));

        // feature 1's simulation gets garbage, feature 2 works: the run records one failure and goes on
        try (FakeOpenAiServer s = new FakeOpenAiServer(i -> FakeOpenAiServer.Reply.ok(FakeOpenAiServer.chatBody("{\"activations\": [0, 1, 0]}", null, 1)))) {
            OpenAiClient c = new OpenAiClient(fast(s));
            dev.loupe.interp.Explainer fixed = new dev.loupe.interp.Explainer() {
                public dev.loupe.interp.Explanation explain(List<ActivationRecord> recs, Map<String, Double> lut) { return dev.loupe.interp.Explanation.ofText("x"); }
                public String name() { return "fixed"; }
            };
            AutoInterp ai = new AutoInterp(fixed, LlmSimulator.factory(c, LlmSimulator.Mode.JSON),
                    new SplitConfig(1, 1, 1, 1, 2));
            FeatureResult bad = ai.run(feature(1, 2));   // excerpts of 2 tokens, server answers 3 values
            FeatureResult good = ai.run(feature(2, 3));  // excerpts of 3 tokens
            assertEquals(FeatureResult.Status.FAILED, bad.status());
            assertTrue(bad.reason().contains("3 activations for 2 tokens"), bad.reason());
            assertEquals(FeatureResult.Status.DONE, good.status());
        }
    }

    static FeatureRecords feature(long id, int len) {
        List<ActivationRecord> top = new ArrayList<>(), rnd = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            String[] t = new String[len];
            float[] a = new float[len];
            for (int i = 0; i < len; i++) t[i] = " t" + i;
            a[0] = 5 - k;
            top.add(new ActivationRecord(t, a));
            rnd.add(new ActivationRecord(t.clone(), a.clone()));
        }
        return new FeatureRecords(id, top, rnd);
    }

    static String tok(String token, Map<String, Double> top) {
        StringBuilder sb = new StringBuilder("{\"token\":").append(com.fasterxml.jackson.databind.node.TextNode.valueOf(token)).append(",\"logprob\":-0.01,\"top_logprobs\":[");
        boolean first = true;
        for (var e : top.entrySet()) {
            if (!first) sb.append(',');
            sb.append("{\"token\":").append(com.fasterxml.jackson.databind.node.TextNode.valueOf(e.getKey())).append(",\"logprob\":").append(e.getValue()).append('}');
            first = false;
        }
        return sb.append("]}").toString();
    }
}
