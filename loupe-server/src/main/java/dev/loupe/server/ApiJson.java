// JSON shapes of the browser API: one method per store record. Field names here are the API
// contract the front end (resources/web/app.js) reads. Non-finite numbers become null (JSON has
// no NaN). Text from the store is passed through as JSON strings: escaping for display is the
// front end's job (it only ever assigns textContent).
package dev.loupe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.store.DictionaryInfo;
import dev.loupe.store.Example;
import dev.loupe.store.Explanation;
import dev.loupe.store.FeatureDetail;
import dev.loupe.store.FeatureSummary;
import dev.loupe.store.Histogram;
import dev.loupe.store.LogitEntry;
import dev.loupe.store.LogitTable;
import dev.loupe.store.ModelInfo;
import dev.loupe.store.Neighbour;
import dev.loupe.store.ProbeResult;
import dev.loupe.store.Score;
import dev.loupe.store.TokenStat;

import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

final class ApiJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private ApiJson() {}

    static ObjectNode object() { return MAPPER.createObjectNode(); }
    static ArrayNode array() { return MAPPER.createArrayNode(); }

    static void num(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) o.put(field, v); else o.putNull(field);
    }

    static ObjectNode model(ModelInfo m) {
        ObjectNode o = object();
        o.put("id", m.id()).put("name", m.name()).put("architecture", m.architecture());
        return o;
    }

    /** A dictionary with its stored evaluation metrics (eval_json passed through when it is an object). */
    static ObjectNode dictionary(DictionaryInfo d, String modelName) {
        ObjectNode o = object();
        o.put("id", d.id()).put("name", d.name()).put("model", modelName).put("hook", d.hook()).put("kind", d.kind())
                .put("dIn", d.dIn()).put("dFeatures", d.dFeatures()).put("analysed", d.currentRunId() != 0);
        JsonNode eval;
        try {
            eval = MAPPER.readTree(d.evalJson());
        } catch (Exception e) {
            eval = null;
        }
        o.set("eval", eval != null && eval.isObject() ? eval : object());
        return o;
    }

    static ObjectNode summary(FeatureSummary s) {
        ObjectNode o = object();
        o.put("feature", s.feature());
        num(o, "density", s.density());
        num(o, "meanAct", s.meanAct());
        num(o, "maxAct", s.maxAct());
        o.put("fireCount", s.fireCount());
        num(o, "score", s.score());
        o.put("explanation", s.explanation());
        return o;
    }

    static ObjectNode histogram(Histogram h) {
        ObjectNode o = object();
        ArrayNode e = o.putArray("edges"), c = o.putArray("counts");
        for (float v : h.edges()) e.add(v);
        for (long v : h.counts()) c.add(v);
        return o;
    }

    static ObjectNode example(Example x) {
        ObjectNode o = object();
        o.put("group", x.group()).put("rank", x.rank()).put("docId", x.docId()).put("position", x.position());
        ArrayNode ids = o.putArray("tokenIds"), toks = o.putArray("tokens"), acts = o.putArray("acts");
        for (int i = 0; i < x.tokens().length; i++) {
            ids.add(x.tokenIds()[i]);
            toks.add(x.tokens()[i]);
            float a = x.acts()[i];
            if (Float.isFinite(a)) acts.add(a); else acts.addNull();
        }
        return o;
    }

    static ArrayNode tokenStats(List<TokenStat> ts) {
        ArrayNode a = array();
        for (TokenStat t : ts) {
            ObjectNode o = a.addObject();
            o.put("tokenId", t.tokenId()).put("token", t.token()).put("count", t.count());
            num(o, "meanAct", t.meanAct());
        }
        return a;
    }

    static ObjectNode logits(LogitTable t) {
        ObjectNode o = object();
        o.set("positive", logitEntries(t.positive()));
        o.set("negative", logitEntries(t.negative()));
        return o;
    }

    private static ArrayNode logitEntries(List<LogitEntry> es) {
        ArrayNode a = array();
        for (LogitEntry e : es) {
            ObjectNode o = a.addObject();
            o.put("tokenId", e.tokenId()).put("token", e.token());
            num(o, "value", e.value());
        }
        return a;
    }

    static ObjectNode explanation(Explanation e) {
        ObjectNode o = object();
        o.put("id", e.id()).put("text", e.text()).put("method", e.method()).put("explainerModel", e.explainerModel())
                .put("createdAt", e.createdAt());
        ArrayNode scores = o.putArray("scores");
        for (Score s : e.scores()) {
            ObjectNode so = scores.addObject().put("kind", s.kind()).put("simulator", s.simulator());
            num(so, "value", s.value());
        }
        return o;
    }

    static ObjectNode probe(ProbeResult p) {
        ObjectNode o = object();
        o.put("concept", p.concept()).put("method", p.method()).put("k", p.k()).put("unitKind", p.unitKind().name().toLowerCase());
        ObjectNode m = o.putObject("metrics");
        for (Map.Entry<String, Double> e : p.metrics().entrySet()) num(m, e.getKey(), e.getValue());
        return o;
    }

    /**
     * Everything the feature page shows. Links to other dictionaries carry the dictionary name (the
     * front end's URLs use names); matches with other dictionaries are split by relative size into
     * splitting children (larger dictionary) and parents (smaller or equal), as in Towards Monosemanticity.
     */
    static ObjectNode detail(FeatureDetail f, DictionaryInfo d, String modelName, LongFunction<DictionaryInfo> dictById) {
        ObjectNode o = object();
        o.set("dictionary", dictionary(d, modelName));
        o.put("feature", f.feature());
        o.set("summary", summary(f.summary()));
        ObjectNode stats = o.putObject("stats");
        f.stats().forEach((k, v) -> num(stats, k, v));
        ObjectNode hists = o.putObject("histograms");
        f.histograms().forEach((k, h) -> hists.set(k, histogram(h)));
        ArrayNode top = o.putArray("topExamples"), quant = o.putArray("quantileExamples");
        f.topExamples().forEach(x -> top.add(example(x)));
        f.quantileExamples().forEach(x -> quant.add(example(x)));
        ObjectNode logits = o.putObject("logits");
        for (LogitTable t : f.logits()) logits.set(t.kind().name().toLowerCase(), logits(t));
        o.set("tokens", tokenStats(f.tokens()));
        ObjectNode ranges = o.putObject("rangeTokens");
        f.rangeTokens().forEach((bin, ts) -> ranges.set(Integer.toString(bin), tokenStats(ts)));
        o.set("neighbours", links(f.neighbours(), dictById));
        ArrayNode children = array(), parents = array();
        for (List<Neighbour> ns : List.of(f.matchesOut(), f.matchesIn()))
            for (Neighbour n : ns) {
                DictionaryInfo other = dictById.apply(n.dictionaryId());
                (other.dFeatures() > d.dFeatures() ? children : parents).add(link(n, other));
            }
        o.set("children", children);
        o.set("parents", parents);
        ArrayNode ex = o.putArray("explanations");
        f.explanations().forEach(e -> ex.add(explanation(e)));
        ArrayNode pr = o.putArray("probes");
        f.probes().forEach(p -> pr.add(probe(p)));
        return o;
    }

    private static ArrayNode links(List<Neighbour> ns, LongFunction<DictionaryInfo> dictById) {
        ArrayNode a = array();
        for (Neighbour n : ns) a.add(link(n, dictById.apply(n.dictionaryId())));
        return a;
    }

    private static ObjectNode link(Neighbour n, DictionaryInfo other) {
        ObjectNode o = object();
        o.put("dictionary", other.name()).put("dFeatures", other.dFeatures()).put("feature", n.feature());
        num(o, "cosine", n.cosine());
        return o;
    }
}
