package dev.loupe.interp.llm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A fake OpenAI-compatible server on 127.0.0.1 whose replies a test scripts per request. */
final class FakeOpenAiServer implements AutoCloseable {
    /** What to do for one request: a status and body, optionally a delay, a header, or a cut-off body. */
    enum Cut { NONE, CHUNKED_HALF, SHORT_FIXED_LENGTH }

    record Reply(int status, String body, long delayMs, String retryAfter, Cut cut) {
        static Reply ok(String body) { return new Reply(200, body, 0, null, Cut.NONE); }
        static Reply status(int code, String body) { return new Reply(code, body, 0, null, Cut.NONE); }
    }

    /** A request as received: body and Authorization header. */
    record Seen(String body, String authorization) {}

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    final AtomicInteger inFlight = new AtomicInteger(), maxInFlight = new AtomicInteger();
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private volatile Function<Integer, Reply> script;

    FakeOpenAiServer(Function<Integer, Reply> script) throws IOException {
        this.script = script;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    String baseUrl() { return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1"; }

    private void handle(HttpExchange ex) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(new Seen(body, ex.getRequestHeaders().getFirst("Authorization")));
            Reply r = script.apply(seen.size() - 1);
            if (r.delayMs() > 0) Thread.sleep(r.delayMs());
            byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
            if (r.retryAfter() != null) ex.getResponseHeaders().add("Retry-After", r.retryAfter());
            ex.getResponseHeaders().add("Content-Type", "application/json");
            // CHUNKED_HALF: a complete HTTP response whose JSON stops halfway; SHORT_FIXED_LENGTH: promises
            // the full length and sends half, so the client never gets the rest of the stream
            ex.sendResponseHeaders(r.status(), r.cut() == Cut.CHUNKED_HALF ? 0 : bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes, 0, r.cut() == Cut.NONE ? bytes.length : bytes.length / 2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away (e.g. its timeout fired): nothing to answer
        } finally {
            inFlight.decrementAndGet();
            ex.close();
        }
    }

    @Override public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    /** A chat-completions reply body with the given content, optional logprobs JSON and usage. */
    static String chatBody(String content, String logprobsContentJson, int totalTokens) {
        String esc = com.fasterxml.jackson.databind.node.TextNode.valueOf(content).toString();
        String lp = logprobsContentJson == null ? "null" : "{\"content\": " + logprobsContentJson + "}";
        return "{\"id\":\"x\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":" + esc
                + "},\"logprobs\":" + lp + ",\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":" + totalTokens + "}}";
    }
}
