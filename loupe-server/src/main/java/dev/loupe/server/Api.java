// The browser's JSON API (all GET except the two live-model POSTs). Handlers parse and bound every
// parameter themselves and answer 4xx with a one-line JSON error for anything malformed; store
// reads go through the StorePool (one read snapshot per call). Routes:
//   GET  /api/status                               version, store file name, live model (or null)
//   GET  /api/overview                             models, dictionaries with metrics and summaries
//   GET  /api/dictionaries/{dict}/features         feature list page (sort, order, filters, keyset cursor)
//   GET  /api/dictionaries/{dict}/features/{i}     everything about one feature
//   GET  /api/search?q=&limit=                     full-text search over explanations and examples
//   POST /api/live/features {dictionary,text,k}    per-token top features from the live model
//   POST /api/live/steer {dictionary,prompt,features:[{feature,strength}],maxNewTokens}
// Not the security layer (LoupeServer adds auth, headers and size limits around these routes).
package dev.loupe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.FeatureQuery;
import dev.loupe.store.FeatureStore;
import dev.loupe.store.FeatureSummary;
import dev.loupe.store.ModelInfo;
import dev.loupe.store.Page;
import dev.loupe.store.SearchHit;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

final class Api {
    static final int MAX_PAGE = 500, MAX_SEARCH = 200, MAX_TEXT_CHARS = 2_000, MAX_TOP_K = 20;
    static final int MAX_NEW_TOKENS = 128, MAX_STEER_FEATURES = 16;
    static final double MAX_STRENGTH = 1_000;

    private final StorePool pool;
    private final Optional<LiveModel> live;
    private final ReentrantLock liveLock = new ReentrantLock();   // one model, one forward at a time
    private final Overview overview = new Overview();
    private final String version;

    Api(StorePool pool, Optional<LiveModel> live, String version) {
        this.pool = pool;
        this.live = live;
        this.version = version;
    }

    void register(Javalin app) {
        app.get("/api/status", this::status);
        app.get("/api/overview", this::overview);
        app.get("/api/dictionaries/{dict}/features", this::features);
        app.get("/api/dictionaries/{dict}/features/{feature}", this::feature);
        app.get("/api/search", this::search);
        app.post("/api/live/features", this::liveFeatures);
        app.post("/api/live/steer", this::steer);
    }

    private static void send(Context ctx, JsonNode body) {
        ctx.contentType("application/json; charset=utf-8").result(body.toString());
    }

    private void status(Context ctx) {
        ObjectNode o = ApiJson.object();
        o.put("version", version).put("store", String.valueOf(pool.path().getFileName()));
        if (live.isPresent()) {
            ObjectNode m = o.putObject("liveModel").put("name", live.get().name());
            ArrayNode ds = m.putArray("dictionaries");
            live.get().dictionaries().forEach(ds::add);
        } else {
            o.putNull("liveModel");
        }
        send(ctx, o);
    }

    private void overview(Context ctx) {
        send(ctx, pool.with(store -> {
            ObjectNode o = ApiJson.object();
            ArrayNode models = o.putArray("models");
            Map<Long, String> names = modelNames(store);
            store.models().forEach(m -> models.add(ApiJson.model(m)));
            ArrayNode dicts = o.putArray("dictionaries");
            for (DictionaryInfo d : store.dictionaries()) {
                ObjectNode j = ApiJson.dictionary(d, names.get(d.modelId()));
                j.set("summary", overview.summary(store, d));
                dicts.add(j);
            }
            return o;
        }));
    }

    private void features(Context ctx) {
        FeatureQuery q = featureQuery(ctx);
        send(ctx, pool.with(store -> {
            DictionaryInfo d = dictionary(store, ctx.pathParam("dict"));
            Page<FeatureSummary> page = store.listFeatures(d.id(), q);
            ObjectNode o = ApiJson.object();
            o.put("dictionary", d.name()).put("dFeatures", d.dFeatures()).put("analysed", d.currentRunId() != 0);
            ArrayNode items = o.putArray("items");
            page.items().forEach(s -> items.add(ApiJson.summary(s)));
            o.put("next", page.next() == null ? null : page.next().value() + ":" + page.next().feature());
            return o;
        }));
    }

    /** Parses the list parameters: sort, order, minDensity, maxDensity, minMaxAct, scoreKind, limit, after=value:feature. */
    static FeatureQuery featureQuery(Context ctx) {
        String sortName = Optional.ofNullable(ctx.queryParam("sort")).orElse("feature");
        FeatureQuery.Sort sort;
        try {
            sort = FeatureQuery.Sort.valueOf(sortName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("unknown sort key '" + sortName + "'; use one of feature, density, mean_act, max_act, score");
        }
        String order = Optional.ofNullable(ctx.queryParam("order")).orElse(sort == FeatureQuery.Sort.FEATURE ? "asc" : "desc");
        if (!order.equals("asc") && !order.equals("desc")) throw HttpError.badRequest("order must be asc or desc, not '" + order + "'");
        String kind = Optional.ofNullable(ctx.queryParam("scoreKind")).orElse("top_and_random");
        if (!kind.matches("[a-z0-9_]{1,64}")) throw HttpError.badRequest("score kind '" + kind + "' must be lower-case letters, digits and _");
        FeatureQuery.Cursor after = null;
        String a = ctx.queryParam("after");
        if (a != null) {
            int colon = a.lastIndexOf(':');
            if (colon < 0) throw HttpError.badRequest("cursor 'after' must be value:feature as returned in 'next', not '" + a + "'");
            after = new FeatureQuery.Cursor(number(a.substring(0, colon), "after"), (int) integer(a.substring(colon + 1), "after", 0, Integer.MAX_VALUE));
        }
        double minD = doubleParam(ctx, "minDensity", 0), maxD = doubleParam(ctx, "maxDensity", 1);
        if (minD < 0 || maxD > 1 || minD > maxD) throw HttpError.badRequest("density filter " + minD + ".." + maxD + " must lie within 0..1 with min <= max");
        return new FeatureQuery(sort, order.equals("desc"), minD, maxD, doubleParam(ctx, "minMaxAct", Double.NEGATIVE_INFINITY), kind,
                (int) intParam(ctx, "limit", 50, 1, MAX_PAGE), 0, after);
    }

    private void feature(Context ctx) {
        String raw = ctx.pathParam("feature");
        send(ctx, pool.with(store -> {
            DictionaryInfo d = dictionary(store, ctx.pathParam("dict"));
            int f = (int) integer(raw, "feature index", 0, Integer.MAX_VALUE);
            if (f >= d.dFeatures())
                throw HttpError.notFound("feature " + f + " is out of range for dictionary " + d.name() + " (0.." + (d.dFeatures() - 1) + ")");
            if (d.currentRunId() == 0) throw HttpError.notFound("dictionary " + d.name() + " has no published analysis yet (run `loupe analyze`)");
            Map<Long, DictionaryInfo> byId = new HashMap<>();
            store.dictionaries().forEach(x -> byId.put(x.id(), x));
            return store.feature(d.id(), f)
                    .map(detail -> ApiJson.detail(detail, d, modelNames(store).get(d.modelId()), byId::get))
                    .orElseThrow(() -> HttpError.notFound("feature " + f + " of " + d.name() + " is not in the published analysis"));
        }));
    }

    private void search(Context ctx) {
        String q = Optional.ofNullable(ctx.queryParam("q")).orElse("").strip();
        if (q.isEmpty()) throw HttpError.badRequest("search needs a query: ?q=words");
        if (q.length() > 200) throw HttpError.badRequest("search query is " + q.length() + " characters; keep it under 200");
        int limit = (int) intParam(ctx, "limit", 50, 1, MAX_SEARCH);
        send(ctx, pool.with(store -> {
            Map<Long, String> dictNames = new HashMap<>();
            store.dictionaries().forEach(d -> dictNames.put(d.id(), d.name()));
            ObjectNode o = ApiJson.object();
            ArrayNode hits = o.putArray("hits");
            for (SearchHit h : store.search(q, limit)) {
                ObjectNode j = hits.addObject();
                j.put("source", h.source().name().toLowerCase()).put("dictionary", dictNames.get(h.dictionaryId()))
                        .put("feature", h.feature()).put("snippet", h.snippet());
            }
            return o;
        }));
    }

    // ---- live model ----------------------------------------------------------------------------

    private void liveFeatures(Context ctx) {
        JsonNode body = jsonBody(ctx);
        LiveModel m = liveModel();
        String dict = liveDictionary(body, m);
        String text = stringField(body, "text", MAX_TEXT_CHARS);
        int k = body.has("k") ? (int) integer(body.get("k").asText(), "k", 1, MAX_TOP_K) : 5;
        List<LiveModel.TokenFeatures> tokens = withModel(() -> m.topFeatures(dict, text, k));
        ObjectNode o = ApiJson.object();
        o.put("model", m.name()).put("dictionary", dict);
        ArrayNode ts = o.putArray("tokens");
        for (LiveModel.TokenFeatures t : tokens) {
            ObjectNode tj = ts.addObject().put("token", t.token());
            ArrayNode fs = tj.putArray("features");
            for (LiveModel.FeatureAct fa : t.features()) ApiJson.num(fs.addObject().put("feature", fa.feature()), "activation", fa.activation());
        }
        send(ctx, o);
    }

    private void steer(Context ctx) {
        JsonNode body = jsonBody(ctx);
        LiveModel m = liveModel();
        String dict = liveDictionary(body, m);
        String prompt = stringField(body, "prompt", MAX_TEXT_CHARS);
        int maxNew = body.has("maxNewTokens") ? (int) integer(body.get("maxNewTokens").asText(), "maxNewTokens", 1, MAX_NEW_TOKENS) : 32;
        JsonNode fs = body.get("features");
        if (fs == null || !fs.isArray() || fs.isEmpty() || fs.size() > MAX_STEER_FEATURES)
            throw HttpError.badRequest("features must be a list of 1.." + MAX_STEER_FEATURES + " {feature, strength} objects");
        int dFeatures = pool.with(store -> dictionary(store, dict).dFeatures());
        List<LiveModel.Steer> steers = new ArrayList<>();
        for (JsonNode f : fs) {
            int idx = (int) integer(f.path("feature").asText(), "steering feature", 0, dFeatures - 1);
            double s = number(f.path("strength").asText(), "strength");
            if (Math.abs(s) > MAX_STRENGTH) throw HttpError.badRequest("strength " + s + " of feature " + idx + " is outside -1000..1000");
            steers.add(new LiveModel.Steer(idx, s));
        }
        LiveModel.Steered r = withModel(() -> m.steer(dict, prompt, steers, maxNew));
        ObjectNode o = ApiJson.object();
        o.put("model", m.name()).put("dictionary", dict).put("prompt", prompt).put("steered", r.steered()).put("unsteered", r.unsteered());
        send(ctx, o);
    }

    private LiveModel liveModel() {
        return live.orElseThrow(() -> HttpError.unavailable("no model is loaded in this server; live text and steering need "
                + "`loupe serve` started with a model"));
    }

    private String liveDictionary(JsonNode body, LiveModel m) {
        String dict = stringField(body, "dictionary", 200);
        if (!m.dictionaries().contains(dict))
            throw HttpError.notFound("the live model has no dictionary '" + dict + "'; it has " + String.join(", ", m.dictionaries()));
        return dict;
    }

    private <T> T withModel(java.util.function.Supplier<T> work) {
        try {
            if (!liveLock.tryLock(30, TimeUnit.SECONDS)) throw HttpError.unavailable("the model is busy with other requests; retry in a moment");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HttpError.unavailable("interrupted while waiting for the model");
        }
        try {
            return work.get();
        } finally {
            liveLock.unlock();
        }
    }

    // ---- parameter parsing ---------------------------------------------------------------------

    private static DictionaryInfo dictionary(FeatureStore store, String name) {
        return store.dictionary(name).orElseThrow(() -> HttpError.notFound("no dictionary named '" + name + "' in this store; it has "
                + String.join(", ", store.dictionaries().stream().map(DictionaryInfo::name).toList())));
    }

    private static Map<Long, String> modelNames(FeatureStore store) {
        Map<Long, String> m = new HashMap<>();
        for (ModelInfo x : store.models()) m.put(x.id(), x.name());
        return m;
    }

    private static JsonNode jsonBody(Context ctx) {
        String ct = Optional.ofNullable(ctx.contentType()).orElse("");
        if (!ct.startsWith("application/json")) throw new HttpError(415, "send the request body as JSON with Content-Type: application/json");
        try {
            JsonNode n = ApiJson.MAPPER.readTree(ctx.body());
            if (n == null || !n.isObject()) throw HttpError.badRequest("request body must be a JSON object");
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw HttpError.badRequest("request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String stringField(JsonNode body, String field, int maxChars) {
        JsonNode n = body.get(field);
        if (n == null || !n.isTextual() || n.asText().isEmpty()) throw HttpError.badRequest("field '" + field + "' must be a non-empty string");
        if (n.asText().length() > maxChars) throw HttpError.badRequest("field '" + field + "' is " + n.asText().length() + " characters; the limit is " + maxChars);
        return n.asText();
    }

    private static long intParam(Context ctx, String name, long dflt, long min, long max) {
        String v = ctx.queryParam(name);
        return v == null ? dflt : integer(v, name, min, max);
    }

    private static double doubleParam(Context ctx, String name, double dflt) {
        String v = ctx.queryParam(name);
        return v == null || v.isEmpty() ? dflt : number(v, name);
    }

    static long integer(String v, String name, long min, long max) {
        long x;
        try {
            x = Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw HttpError.badRequest(name + " must be an integer, not '" + clip(v) + "'");
        }
        if (x < min || x > max) throw HttpError.badRequest(name + " " + x + " is outside " + min + ".." + max);
        return x;
    }

    static double number(String v, String name) {
        try {
            double x = Double.parseDouble(v.strip());
            if (!Double.isFinite(x)) throw new NumberFormatException();
            return x;
        } catch (NumberFormatException e) {
            throw HttpError.badRequest(name + " must be a finite number, not '" + clip(v) + "'");
        }
    }

    private static String clip(String v) { return v.length() > 40 ? v.substring(0, 40) + "..." : v; }
}
