// A probing dataset on disk: JSONL, one header line then one example per line. Not the activations
// (ProbeActivations computes those from a model) and not a tokenizer-specific format: labels are
// character spans, so one file serves every model. Format (version 1):
//   {"loupe_probe_dataset": 1, "concept": "java-javadoc", "level": "token" | "sequence",
//    "classes": ["other", "javadoc"], "aggregation": "last" | "mean" | "max", "description": "..."}
//   token level:    {"id": "...", "group": "...", "text": "...", "spans": [[start, end, class], ...], "default": 0}
//                   a token takes the class of the span holding its last character; tokens outside every
//                   span take "default" (absent: 0; null: unlabelled, left out of the probe). Spans must
//                   not overlap. Offsets count Unicode code points (Python's str indices).
//   sequence level: {"id": "...", "group": "...", "text": "...", "label": class}
//                   the example's token activations are aggregated (last token, mean or max) into one row.
//   precomputed:    {"id": "...", "group": "...", "activations": [[unit values of token 0], ...], "labels": [class per token]}
//                   (token level; class -1 = unlabelled) or "label" (sequence level): probes units directly, no model.
// A class is its index into "classes" or its name. "group" (default: the id) is the document an example
// comes from: the train/test split never divides a group. Examples: ProbeDatasets (the generators).
package dev.loupe.probe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.util.AtomicFiles;
import dev.loupe.util.ConfigException;
import dev.loupe.util.FormatException;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

public record ProbeDataset(Header header, List<Example> examples) {
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Level { TOKEN, SEQUENCE }

    public enum Aggregation { LAST, MEAN, MAX }

    public record Header(String concept, Level level, List<String> classes, Aggregation aggregation, String description) {
        public Header {
            if (concept == null || concept.isBlank()) throw new ConfigException("probe dataset header has no concept name");
            if (level == null) throw new ConfigException("probe dataset " + concept + " has no level (token or sequence)");
            if (classes == null || classes.size() < 2 || new HashSet<>(classes).size() != classes.size())
                throw new ConfigException("probe dataset " + concept + " needs at least 2 distinct class names, got " + classes);
            classes = List.copyOf(classes);
            if (aggregation == null) aggregation = Aggregation.LAST;
            if (description == null) description = "";
        }
    }

    /** A labelled character range [start, end) in Java char offsets. */
    public record Span(int start, int end, int label) {}

    /**
     * One example: text with spans (token level; defaultLabel -1 = unlabelled) or a label (sequence
     * level), or precomputed activations [tokens * units] with per-token labels or a label.
     */
    public record Example(String id, String group, String text, List<Span> spans, int defaultLabel, int label,
                          float[] activations, int[] tokenLabels) {
        public Example {
            spans = spans == null ? List.of() : List.copyOf(spans);
        }

        public static Example tokens(String id, String group, String text, List<Span> spans, int defaultLabel) {
            return new Example(id, group, text, spans, defaultLabel, -1, null, null);
        }

        public static Example sequence(String id, String group, String text, int label) {
            return new Example(id, group, text, List.of(), -1, label, null, null);
        }

        public static Example precomputed(String id, String group, float[] activations, int[] tokenLabels) {
            return new Example(id, group, null, List.of(), -1, -1, activations, tokenLabels);
        }

        public boolean hasText() { return text != null; }

        /** The class at char offset `at` of the text (last-character rule for tokens). */
        public int labelAt(int at) {
            for (Span s : spans) if (at >= s.start() && at < s.end()) return s.label();
            return defaultLabel;
        }
    }

    public ProbeDataset {
        examples = List.copyOf(examples);
        if (examples.isEmpty()) throw new ConfigException("probe dataset " + header.concept() + " has no examples");
        for (Example e : examples) {
            if (e.hasText() == (e.activations() != null)) throw new ConfigException("example " + e.id() + " needs either text or activations");
            if (e.activations() != null && header.level() == Level.TOKEN
                    && (e.tokenLabels() == null || e.tokenLabels().length == 0 || e.activations().length % e.tokenLabels().length != 0))
                throw new ConfigException("example " + e.id() + " has " + e.activations().length + " activation values, not a whole row per labelled token");
        }
    }

    public boolean precomputed() { return examples.getFirst().activations() != null; }

    // ---- reading -------------------------------------------------------------------------------

    public static ProbeDataset read(Path file) {
        if (!Files.isRegularFile(file)) throw new ConfigException(file + ": no such probe dataset; write one with `loupe probe-data --concept NAME --out FILE`");
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Header header = null;
            List<Example> examples = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            int lineNo = 0, units = -1;
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) continue;
                String where = file + " line " + lineNo;
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    throw new FormatException(where + ": not valid JSON (" + e.getOriginalMessage() + ")");
                }
                if (node == null || !node.isObject()) throw new FormatException(where + ": expected a JSON object");
                try {
                    if (header == null) { header = header(node); continue; }
                    Example e = example(node, header, "line" + lineNo);
                    if (!ids.add(e.id())) throw new ConfigException("duplicate id '" + e.id() + "'");
                    if (e.activations() != null) {
                        int u = e.activations().length / (header.level() == Level.TOKEN ? Math.max(1, e.tokenLabels().length) : 1);
                        if (units >= 0 && u != units) throw new ConfigException("has " + u + " units per token but earlier lines have " + units);
                        units = u;
                    }
                    if (!examples.isEmpty() && examples.getFirst().hasText() != e.hasText())
                        throw new ConfigException("mixes text and precomputed-activation examples; use one kind per file");
                    examples.add(e);
                } catch (ConfigException e) {
                    throw new FormatException(where + ": " + e.getMessage());
                }
            }
            if (header == null) throw new FormatException(file + ": empty; the first line must be the header {\"loupe_probe_dataset\": 1, \"concept\": ...}");
            if (examples.isEmpty()) throw new FormatException(file + ": has a header but no examples");
            return new ProbeDataset(header, examples);
        } catch (IOException e) {
            throw new FormatException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static Header header(JsonNode node) {
        if (!node.has("loupe_probe_dataset"))
            throw new ConfigException("the first line must be the header {\"loupe_probe_dataset\": 1, \"concept\": ..., \"level\": ..., \"classes\": [...]}");
        if (node.get("loupe_probe_dataset").asInt(-1) != VERSION)
            throw new ConfigException("header has format version " + node.get("loupe_probe_dataset") + "; this Loupe reads version " + VERSION);
        List<String> classes = new ArrayList<>();
        JsonNode cl = node.get("classes");
        if (cl == null || !cl.isArray()) throw new ConfigException("header needs \"classes\": a list of class names, background class first");
        for (JsonNode c : cl) classes.add(c.asText());
        return new Header(text(node, "concept"), enumOf(Level.class, text(node, "level"), "level"), classes,
                node.has("aggregation") ? enumOf(Aggregation.class, text(node, "aggregation"), "aggregation") : Aggregation.LAST,
                node.has("description") ? node.get("description").asText() : "");
    }

    private static Example example(JsonNode node, Header h, String fallbackId) {
        String id = node.has("id") ? node.get("id").asText() : fallbackId;
        String group = node.has("group") ? node.get("group").asText() : id;
        boolean seq = h.level() == Level.SEQUENCE;
        if (node.has("activations")) {
            JsonNode acts = node.get("activations");
            if (!acts.isArray() || acts.isEmpty()) throw new ConfigException("\"activations\" must be a non-empty list of rows (one per token)");
            int units = acts.get(0).size();
            if (units == 0) throw new ConfigException("\"activations\" rows must be non-empty lists of numbers");
            float[] x = new float[acts.size() * units];
            for (int t = 0; t < acts.size(); t++) {
                JsonNode row = acts.get(t);
                if (!row.isArray() || row.size() != units) throw new ConfigException("activation row " + t + " has " + row.size() + " values, row 0 has " + units);
                for (int j = 0; j < units; j++) {
                    if (!row.get(j).isNumber()) throw new ConfigException("activation row " + t + " value " + j + " is not a number: " + row.get(j));
                    x[t * units + j] = (float) row.get(j).asDouble();
                }
            }
            if (seq) return new Example(id, group, null, List.of(), -1, label(node.get("label"), h, false), x, null);
            JsonNode labels = node.get("labels");
            if (labels == null || !labels.isArray() || labels.size() != acts.size())
                throw new ConfigException("needs \"labels\": one class per activation row (" + acts.size() + "), -1 for unlabelled");
            int[] y = new int[labels.size()];
            for (int t = 0; t < y.length; t++) y[t] = label(labels.get(t), h, true);
            return Example.precomputed(id, group, x, y);
        }
        String text = text(node, "text");
        if (seq) return Example.sequence(id, group, text, label(node.get("label"), h, false));
        int def = node.has("default") ? label(node.get("default"), h, true) : 0;
        List<Span> spans = new ArrayList<>();
        JsonNode sp = node.get("spans");
        if (sp != null && !sp.isArray()) throw new ConfigException("\"spans\" must be a list of [start, end, class]");
        int cps = text.codePointCount(0, text.length()), prevEnd = 0;
        for (JsonNode s : sp == null ? JSON.createArrayNode() : sp) {
            if (!s.isArray() || s.size() != 3 || !s.get(0).canConvertToInt() || !s.get(1).canConvertToInt())
                throw new ConfigException("span " + s + " must be [start, end, class] with integer offsets");
            int a = s.get(0).asInt(), b = s.get(1).asInt();
            if (a < 0 || b <= a || b > cps) throw new ConfigException("span " + s + " is not a range inside the text of " + cps + " characters");
            if (a < prevEnd) throw new ConfigException("span " + s + " overlaps or precedes the previous span; give spans in order, without overlap");
            prevEnd = b;
            spans.add(new Span(text.offsetByCodePoints(0, a), text.offsetByCodePoints(0, b), label(s.get(2), h, false)));
        }
        return Example.tokens(id, group, text, spans, def);
    }

    private static int label(JsonNode v, Header h, boolean unlabelledAllowed) {
        if (v == null || v.isNull()) {
            if (unlabelledAllowed) return -1;
            throw new ConfigException("missing class label; give a class index or one of " + h.classes());
        }
        int c = v.isTextual() ? h.classes().indexOf(v.asText()) : v.canConvertToInt() ? v.asInt() : -2;
        if (c == -1 && unlabelledAllowed && v.isNumber()) return -1;
        if (c < 0 || c >= h.classes().size()) throw new ConfigException("class " + v + " is not an index 0.." + (h.classes().size() - 1) + " or a name in " + h.classes());
        return c;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) throw new ConfigException("missing string field \"" + field + "\"");
        return v.asText();
    }

    private static <E extends Enum<E>> E enumOf(Class<E> type, String v, String field) {
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(field + " '" + v + "' must be one of " + List.of(type.getEnumConstants()).toString().toLowerCase(Locale.ROOT));
        }
    }

    // ---- writing -------------------------------------------------------------------------------

    /** Writes the dataset atomically (header line, then one line per example). */
    public void write(Path file) {
        StringBuilder sb = new StringBuilder();
        ObjectNode head = JSON.createObjectNode();
        head.put("loupe_probe_dataset", VERSION);
        head.put("concept", header.concept());
        head.put("level", header.level().name().toLowerCase(Locale.ROOT));
        ArrayNode cl = head.putArray("classes");
        header.classes().forEach(cl::add);
        head.put("aggregation", header.aggregation().name().toLowerCase(Locale.ROOT));
        head.put("description", header.description());
        sb.append(head).append('\n');
        for (Example e : examples) sb.append(toJson(e)).append('\n');
        AtomicFiles.writeString(file, sb.toString());
    }

    private ObjectNode toJson(Example e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", e.id());
        if (!e.group().equals(e.id())) o.put("group", e.group());
        boolean seq = header.level() == Level.SEQUENCE;
        if (e.activations() != null) {
            int t = seq ? 1 : e.tokenLabels().length, u = e.activations().length / t;
            ArrayNode rows = o.putArray("activations");
            for (int i = 0; i < t; i++) {
                ArrayNode r = rows.addArray();
                for (int j = 0; j < u; j++) r.add(e.activations()[i * u + j]);
            }
            if (seq) o.put("label", e.label());
            else { ArrayNode y = o.putArray("labels"); for (int v : e.tokenLabels()) y.add(v); }
            return o;
        }
        o.put("text", e.text());
        if (seq) { o.put("label", e.label()); return o; }
        ArrayNode spans = o.putArray("spans");
        for (Span s : e.spans())
            spans.addArray().add(e.text().codePointCount(0, s.start())).add(e.text().codePointCount(0, s.end())).add(s.label());
        if (e.defaultLabel() != 0) { if (e.defaultLabel() < 0) o.putNull("default"); else o.put("default", e.defaultLabel()); }
        return o;
    }
}
