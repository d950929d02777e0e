// Token authentication: with a token configured every request (pages, scripts, API) needs it,
// as a Bearer header, as ?token= (which sets an HttpOnly cookie) or as that cookie. Also checks
// that a non-loopback host without a token is refused before anything listens.
package dev.loupe.server;

import dev.loupe.util.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class AuthTest {
    static final String TOKEN = "s3cret-token-123";

    @Test void requestsWithoutTheTokenGet401(@TempDir Path dir) throws Exception {
        Path db = TestStores.write(dir, 20);
        HttpClient http = HttpClient.newHttpClient();
        try (LoupeServer s = LoupeServer.start(new ServerConfig(db, "127.0.0.1", 0, TOKEN, Optional.empty()))) {
            String base = "http://127.0.0.1:" + s.port();
            assertTrue(s.url().endsWith("/?token=" + TOKEN), s.url());
            for (String p : new String[] {"/", "/app.js", "/api/overview", "/api/dictionaries/sae/features/1", "/api/overview?token=wrong-token-456"}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + p)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(401, r.statusCode(), p);
                assertTrue(r.body().contains("access token"), r.body());
                assertTrue(r.headers().firstValue("Content-Security-Policy").isPresent());
            }
            HttpResponse<String> wrongBearer = http.send(HttpRequest.newBuilder(URI.create(base + "/api/overview"))
                    .header("Authorization", "Bearer nope-nope-nope").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrongBearer.statusCode());
            HttpResponse<String> bearer = http.send(HttpRequest.newBuilder(URI.create(base + "/api/overview"))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, bearer.statusCode());
            HttpResponse<String> query = http.send(HttpRequest.newBuilder(URI.create(base + "/?token=" + TOKEN)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, query.statusCode());
            String cookie = query.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(cookie.startsWith(LoupeServer.COOKIE + "=" + TOKEN + ";") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
            HttpResponse<String> withCookie = http.send(HttpRequest.newBuilder(URI.create(base + "/api/dictionaries/sae/features/1"))
                    .header("Cookie", LoupeServer.COOKIE + "=" + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, withCookie.statusCode(), withCookie.body());
        }
    }

    @Test void publicHostNeedsAToken(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> new ServerConfig(dir.resolve("x.db"), "0.0.0.0", 0, null, Optional.empty()));
        assertTrue(e.getMessage().contains("--token"), e.getMessage());
        assertTrue(ServerConfig.isLoopback("127.0.0.1") && ServerConfig.isLoopback("localhost") && !ServerConfig.isLoopback("0.0.0.0"));
        assertThrows(ConfigException.class, () -> new ServerConfig(dir.resolve("x.db"), "127.0.0.1", 0, "a b c d e f g h", Optional.empty()));
    }
}
