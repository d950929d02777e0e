// The feature browser server: Javalin with the JSON API (Api) and the static front end (the files
// under resources/web, served from an explicit list read from the classpath at start-up, so no
// request path ever reaches a file system lookup and traversal has nothing to traverse).
// Security around every response: token check when a token is configured (Authorization: Bearer,
// or ?token= which sets an HttpOnly SameSite=Strict cookie), a Content-Security-Policy that forbids
// inline script, nosniff, no framing, a request size limit, and one-line JSON errors.
// Not a general web server: GET for pages and API reads, POST only for the live-model endpoints.
package dev.loupe.server;

import dev.loupe.util.ConfigException;
import dev.loupe.util.LoupeException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;

public final class LoupeServer implements AutoCloseable {
    public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    static final long MAX_REQUEST_BYTES = 64 * 1024;
    static final String COOKIE = "loupe_token";
    /** The front end: request path -> (resource under /web, content type). */
    private static final Map<String, String[]> STATIC = Map.of(
            "/", new String[] {"index.html", "text/html; charset=utf-8"},
            "/index.html", new String[] {"index.html", "text/html; charset=utf-8"},
            "/app.js", new String[] {"app.js", "text/javascript; charset=utf-8"},
            "/charts.js", new String[] {"charts.js", "text/javascript; charset=utf-8"},
            "/style.css", new String[] {"style.css", "text/css; charset=utf-8"},
            "/favicon.svg", new String[] {"favicon.svg", "image/svg+xml"});
    private static final Logger LOG = LoggerFactory.getLogger(LoupeServer.class);

    private final ServerConfig config;
    private final StorePool pool;
    private final Javalin app;
    private final Map<String, byte[]> files = new HashMap<>();

    private LoupeServer(ServerConfig config) {
        this.config = config;
        for (String[] f : STATIC.values()) files.computeIfAbsent(f[0], LoupeServer::resource);
        this.pool = new StorePool(config.store(), Math.max(4, Runtime.getRuntime().availableProcessors() * 4), 10_000);
        this.app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.http.maxRequestSize = MAX_REQUEST_BYTES;
            cfg.startupWatcherEnabled = false;
        });
        app.before(this::guard);
        new Api(pool, config.liveModel(), version()).register(app);
        STATIC.forEach((path, f) -> app.get(path, ctx -> ctx.contentType(f[1]).header("Cache-Control", "no-cache").result(files.get(f[0]))));
        app.exception(HttpError.class, (e, ctx) -> error(ctx, e.status, e.getMessage()));
        app.exception(StorePool.Busy.class, (e, ctx) -> error(ctx, 503, e.getMessage()));
        app.exception(ConfigException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
        app.exception(LoupeException.class, (e, ctx) -> error(ctx, 500, e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("internal error on " + ctx.method() + " " + ctx.path(), e);
            error(ctx, 500, "internal error (" + e.getClass().getSimpleName() + "); see the server log");
        });
    }

    /** Opens the store read-only and starts listening; port 0 picks a free port (see {@link #port()}). */
    public static LoupeServer start(ServerConfig config) {
        LoupeServer s = new LoupeServer(config);
        try {
            s.app.start(config.host(), config.port());
        } catch (RuntimeException e) {
            s.pool.close();
            throw new ConfigException("cannot listen on " + config.host() + ":" + config.port() + " (" + rootMessage(e) + "); choose another --port");
        }
        return s;
    }

    public int port() { return app.port(); }

    /** The URL to open in a browser (with the token when one is required). */
    public String url() {
        String h = config.host().equals("0.0.0.0") || config.host().equals("::") ? "127.0.0.1" : config.host();
        if (h.contains(":")) h = "[" + h + "]";
        return "http://" + h + ":" + port() + "/" + (config.token() == null ? "" : "?token=" + URLEncoder.encode(config.token(), StandardCharsets.UTF_8));
    }

    @Override public void close() {
        app.stop();
        pool.close();
    }

    private void guard(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        if (!ctx.method().name().equals("GET") && !ctx.method().name().equals("POST") && !ctx.method().name().equals("HEAD"))
            throw new HttpError(405, "method " + ctx.method() + " is not allowed");
        if (ctx.contentLength() > MAX_REQUEST_BYTES)
            throw new HttpError(413, "request body of " + ctx.contentLength() + " bytes exceeds the limit of " + MAX_REQUEST_BYTES);
        if (config.token() == null) return;
        String t = null;
        String auth = ctx.header("Authorization");
        if (auth != null && auth.startsWith("Bearer ")) t = auth.substring(7).strip();
        else if (ctx.queryParam("token") != null) t = ctx.queryParam("token");
        else if (ctx.cookie(COOKIE) != null) t = ctx.cookie(COOKIE);
        if (t == null || !MessageDigest.isEqual(t.getBytes(StandardCharsets.UTF_8), config.token().getBytes(StandardCharsets.UTF_8)))
            throw new HttpError(401, "this server needs its access token: open the URL `loupe serve` printed (…/?token=…) or send Authorization: Bearer <token>");
        if (ctx.queryParam("token") != null)
            ctx.header("Set-Cookie", COOKIE + "=" + t + "; Path=/; HttpOnly; SameSite=Strict");
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status).contentType("application/json; charset=utf-8")
                .result(ApiJson.object().put("error", message == null ? "error " + status : message).put("status", status).toString());
    }

    private static byte[] resource(String name) {
        try (InputStream in = LoupeServer.class.getResourceAsStream("/web/" + name)) {
            if (in == null) throw new LoupeException("web resource /web/" + name + " is missing from the classpath; rebuild loupe-server");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new LoupeException("cannot read web resource /web/" + name + ": " + e.getMessage(), e);
        }
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        return e.getMessage();
    }

    static String version() {
        String v = LoupeServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
