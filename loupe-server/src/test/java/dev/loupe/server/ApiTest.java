// API tests over a real server on 127.0.0.1 (ephemeral port) and a store written in a @TempDir:
// expected values come from TestStores' documented construction, not from the server.
package dev.loupe.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class ApiTest {
    static final int N = 600;
    @TempDir static Path dir;
    static LoupeServer server;
    static FakeLiveModel live = new FakeLiveModel(N);
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll static void start() {
        server = LoupeServer.start(ServerConfig.local(TestStores.write(dir, N), 0, Optional.of(live)));
    }

    @AfterAll static void stop() { server.close(); }

    static String base() { return "http://127.0.0.1:" + server.port(); }

    static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException { return ApiJson.MAPPER.readTree(r.body()); }

    static JsonNode ok(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        return json(r);
    }

    static void error(int status, HttpResponse<String> r, String fragment) throws IOException {
        assertEquals(status, r.statusCode(), r.body());
        String msg = json(r).path("error").asText();
        assertTrue(msg.contains(fragment), "error message '" + msg + "' should mention '" + fragment + "'");
    }

    @Test void securityHeadersOnPagesApiAndErrors() throws Exception {
        for (String p : new String[] {"/", "/app.js", "/api/overview", "/api/nope", "/api/dictionaries/nope/features"}) {
            HttpResponse<String> r = get(p);
            assertEquals(LoupeServer.CSP, r.headers().firstValue("Content-Security-Policy").orElse(null), p);
            assertTrue(LoupeServer.CSP.contains("script-src 'self';") && !LoupeServer.CSP.contains("unsafe-inline"));
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), p);
        }
        HttpResponse<String> index = get("/");
        assertEquals(200, index.statusCode());
        assertTrue(index.body().contains("<script src=\"/app.js\">"));
        assertFalse(index.body().matches("(?s).*<script>.*"), "index.html must not contain inline script");
        assertEquals("text/javascript; charset=utf-8", get("/app.js").headers().firstValue("Content-Type").orElseThrow());
        for (String js : new String[] {"/app.js", "/charts.js"}) {                    // the front end never parses data as HTML
            String src = get(js).body();
            for (String sink : new String[] {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"})
                assertFalse(src.contains(sink), js + " uses " + sink);
        }
    }

    @Test void overviewHasMetricsDensityHistogramAndScores() throws Exception {
        JsonNode o = ok("/api/overview");
        assertEquals("m", o.get("models").get(0).get("name").asText());
        JsonNode sae = o.get("dictionaries").get(0);
        assertEquals("sae", sae.get("name").asText());
        assertEquals(0.125, sae.get("eval").get("fvu").asDouble());
        assertEquals(N, sae.get("summary").get("features").asInt());
        assertEquals(0, sae.get("summary").get("dead").asInt());
        // densities (f+1)/1e6 for f < 600: log10 in [-6, -3.22]; bins are 0.4 wide from -8, so
        // bin 5 = [-6, -5.6) holds f+1 in 1..2 (2 features), bin 11 = [-3.6, -3.2) holds f+1 in 252..600 (349).
        JsonNode counts = sae.get("summary").get("densityHistogram").get("counts");
        assertEquals(2, counts.get(5).asInt());
        assertEquals(349, counts.get(11).asInt());
        long total = 0;
        for (JsonNode c : counts) total += c.asLong();
        assertEquals(N, total);
        JsonNode score = sae.get("summary").get("scores").get(0);
        assertEquals("top_and_random", score.get("kind").asText());
        assertEquals(N / 10 + 1, score.get("count").asInt());   // f = 0, 10, .., 590 (60) + the hostile feature 7
        double sum = 0.5;
        for (int f = 0; f < N; f += 10) sum += (double) f / N;
        assertEquals(sum / (N / 10 + 1), score.get("mean").asDouble(), 1e-12);
        JsonNode empty = o.get("dictionaries").get(2);
        assertFalse(empty.get("analysed").asBoolean());
        assertTrue(empty.get("summary").isNull());
    }

    @Test void keysetPaginationVisitsEveryFeatureOnceInOrder() throws Exception {
        Set<Integer> seen = new HashSet<>();
        double prev = Double.POSITIVE_INFINITY;
        String after = null;
        int pages = 0;
        do {
            JsonNode p = ok("/api/dictionaries/sae/features?sort=density&order=desc&limit=250" + (after == null ? "" : "&after=" + after));
            for (JsonNode f : p.get("items")) {
                int i = f.get("feature").asInt();
                assertTrue(seen.add(i), "feature " + i + " listed twice");
                assertEquals((i + 1) / 1e6, f.get("density").asDouble(), 1e-15);
                assertTrue(f.get("density").asDouble() <= prev);
                prev = f.get("density").asDouble();
            }
            after = p.get("next").isNull() ? null : p.get("next").asText();
            pages++;
        } while (after != null);
        assertEquals(N, seen.size());
        assertEquals(3, pages);
        JsonNode first = ok("/api/dictionaries/sae/features?sort=max_act&order=asc&limit=3&minMaxAct=100");
        assertEquals(99, first.get("items").get(0).get("feature").asInt());   // max act f+1 >= 100
        JsonNode byScore = ok("/api/dictionaries/sae/features?sort=score&limit=2");
        assertEquals(590, byScore.get("items").get(0).get("feature").asInt());
        assertEquals("explains alpha590", byScore.get("items").get(0).get("explanation").asText());
        JsonNode filtered = ok("/api/dictionaries/sae/features?sort=feature&minDensity=0.0005&maxDensity=0.0006&limit=500");
        assertEquals(101, filtered.get("items").size());   // f+1 in 500..600
    }

    @Test void featureDetailMatchesTheStore() throws Exception {
        JsonNode f = ok("/api/dictionaries/sae/features/41");
        assertEquals(41, f.get("feature").asInt());
        assertEquals(42.0, f.get("summary").get("maxAct").asDouble());
        JsonNode top = f.get("topExamples").get(0);
        assertEquals("tok41", top.get("tokens").get(1).asText());
        assertEquals(42.0, top.get("acts").get(1).asDouble());
        assertEquals(10.5, top.get("acts").get(2).asDouble());
        assertEquals(1, f.get("quantileExamples").get(0).get("group").asInt());
        assertEquals(41, f.get("histograms").get("activation").get("counts").get(0).asInt());
        assertEquals("up41", f.get("logits").get("direct").get("positive").get(0).get("token").asText());
        assertEquals(-1.5, f.get("logits").get("direct").get("negative").get(0).get("value").asDouble());
        assertEquals("abl41", f.get("logits").get("ablation").get("positive").get(0).get("token").asText());
        assertEquals(3, f.get("rangeTokens").get("0").get(0).get("count").asInt());
        assertTrue(f.get("rangeTokens").get("0").get(0).get("meanAct").isNull());
        assertEquals("sae", f.get("neighbours").get(0).get("dictionary").asText());
        assertEquals(42, f.get("neighbours").get(0).get("feature").asInt());
        assertEquals("sae-big", f.get("children").get(0).get("dictionary").asText());
        assertEquals(82, f.get("children").get(0).get("feature").asInt());
        assertEquals(0, f.get("parents").size());
        JsonNode child = ok("/api/dictionaries/sae-big/features/82");
        assertEquals("sae", child.get("parents").get(0).get("dictionary").asText());
        assertEquals(41, child.get("parents").get(0).get("feature").asInt());
        JsonNode e = ok("/api/dictionaries/sae/features/40").get("explanations").get(0);
        assertEquals("explains alpha40", e.get("text").asText());
        assertEquals(40.0 / N, e.get("scores").get(0).get("value").asDouble(), 1e-12);
    }

    @Test void badParametersGiveClearJsonErrors() throws Exception {
        error(400, get("/api/dictionaries/sae/features/abc"), "feature index must be an integer");
        error(400, get("/api/dictionaries/sae/features/-1"), "outside");
        error(404, get("/api/dictionaries/sae/features/" + N), "out of range");
        error(404, get("/api/dictionaries/nope/features/1"), "no dictionary named 'nope'");
        error(404, get("/api/dictionaries/empty/features/1"), "no published analysis");
        error(400, get("/api/dictionaries/sae/features?sort=colour"), "unknown sort key 'colour'");
        error(400, get("/api/dictionaries/sae/features?limit=100000"), "limit");
        error(400, get("/api/dictionaries/sae/features?after=zz"), "cursor");
        error(400, get("/api/dictionaries/sae/features?minDensity=NaN"), "finite number");
        error(400, get("/api/search"), "needs a query");
        error(404, get("/api/unknown"), "not found");
        error(405, http.send(HttpRequest.newBuilder(URI.create(base() + "/api/overview")).DELETE().build(), HttpResponse.BodyHandlers.ofString()), "not allowed");
    }

    @Test void searchFindsExplanationsAndExampleText() throws Exception {
        JsonNode hits = ok("/api/search?q=alpha40").get("hits");
        assertEquals("explanation", hits.get(0).get("source").asText());
        assertEquals("sae", hits.get(0).get("dictionary").asText());
        assertEquals(40, hits.get(0).get("feature").asInt());
        assertTrue(hits.get(0).get("snippet").asText().contains("[alpha40]"));
        JsonNode ex = ok("/api/search?q=tok123").get("hits");
        Set<String> where = new HashSet<>();
        for (JsonNode h : ex) where.add(h.get("dictionary").asText() + "#" + h.get("feature").asInt());
        assertEquals(Set.of("sae#123", "sae-big#123"), where);
        assertEquals(0, ok("/api/search?q=%22%28%2A").get("hits").size());   // FTS syntax characters are plain text
    }

    @Test void pathTraversalIsRejected() throws Exception {
        for (String p : new String[] {"/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/web/../../etc/passwd",
                "/app.js/../../../etc/passwd", "/%2e%2e%2f%2e%2e%2fetc/passwd", "/static/..%5c..%5cetc%5cpasswd"}) {
            RawResponse r = rawGet(p);
            assertTrue(r.statusCode() == 400 || r.statusCode() == 404, p + " -> " + r.statusCode());
            assertFalse(r.body().contains("root:"), p);
        }
    }

    /** Sends the path bytes exactly as written (java.net.URI would normalise some of them). */
    static RawResponse rawGet(String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String resp = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(resp.substring(9, 12));
            String body = resp.contains("\r\n\r\n") ? resp.substring(resp.indexOf("\r\n\r\n") + 4) : "";
            return new RawResponse(status, body);
        }
    }

    @Test void liveFeaturesAndSteeringRoundTrip() throws Exception {
        HttpResponse<String> r = post("/api/live/features", "{\"dictionary\":\"sae\",\"text\":\"hi there\",\"k\":1}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode t = json(r).get("tokens");
        assertEquals("there", t.get(1).get("token").asText());
        assertEquals(15, t.get(1).get("features").get(0).get("feature").asInt());
        assertEquals(1, t.get(1).get("features").size());
        JsonNode s = json(post("/api/live/steer", "{\"dictionary\":\"sae\",\"prompt\":\"Once\",\"features\":[{\"feature\":12,\"strength\":-3.5}],\"maxNewTokens\":9}"));
        assertEquals(" steered f12@-3.5", s.get("steered").asText());
        assertEquals(9, live.lastMaxNew);
        error(400, post("/api/live/steer", "{\"dictionary\":\"sae\",\"prompt\":\"x\",\"features\":[{\"feature\":1,\"strength\":1}],\"maxNewTokens\":100000}"), "maxNewTokens");
        error(400, post("/api/live/steer", "{\"dictionary\":\"sae\",\"prompt\":\"x\",\"features\":[{\"feature\":" + N + ",\"strength\":1}]}"), "steering feature");
        error(400, post("/api/live/steer", "{\"dictionary\":\"sae\",\"prompt\":\"x\",\"features\":[]}"), "features must be");
        error(404, post("/api/live/features", "{\"dictionary\":\"nope\",\"text\":\"x\"}"), "no dictionary 'nope'");
        error(400, post("/api/live/features", "{\"dictionary\":\"sae\",\"text\":\"" + "a".repeat(Api.MAX_TEXT_CHARS + 1) + "\"}"), "limit");
        error(400, post("/api/live/features", "{not json"), "not valid JSON");
        error(413, post("/api/live/features", "{\"text\":\"" + "a".repeat(100_000) + "\"}"), "exceeds the limit");
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/live/features")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        error(415, form, "application/json");
    }

    @Test void withoutAModelLiveEndpointsAnswer503(@TempDir Path other) throws Exception {
        try (LoupeServer s = LoupeServer.start(ServerConfig.local(TestStores.write(other, 20), 0, Optional.empty()))) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/live/steer"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            error(503, r, "no model is loaded");
            assertTrue(json(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/api/status")).build(),
                    HttpResponse.BodyHandlers.ofString())).get("liveModel").isNull());
        }
    }

    record RawResponse(int statusCode, String body) {}
}
