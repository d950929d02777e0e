package dev.loupe.interp.builtin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.util.FormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The machine-readable form of a built-in explanation: a list of {@link Rule}s; the prediction at a
 * token is the largest weight among the rules that fire there (0 when none does), on the 0–10 scale.
 *
 * <p>JSON format, version 1: {@code {"version":1,"rules":[{"kind":"TOKEN","tokens":["red"],"index":0,
 * "requires":[],"unless":[],"window":0,"weight":10.0}, …]}}.
 */
public record RuleSet(int version, List<Rule> rules) {
    public static final int VERSION = 1;
    private static final ThreadLocal<Map.Entry<String, RuleSet>> LAST_WRITTEN = new ThreadLocal<>();
    private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public RuleSet {
        if (version != VERSION) throw new FormatException("rule set version " + version + " is not supported (expected " + VERSION + ")");
        if (rules == null) throw new FormatException("rule set has no \"rules\" list");
        rules = List.copyOf(rules);
    }

    public RuleSet(List<Rule> rules) { this(VERSION, rules); }

    public static RuleSet empty() { return new RuleSet(List.of()); }

    /** Predicted activation per token, {@code [tokens.length]}. */
    public double[] apply(String[] tokens) {
        String[] normed = new String[tokens.length];
        for (int i = 0; i < tokens.length; i++) normed[i] = Rule.norm(tokens[i]);
        double[] out = new double[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            for (Rule r : rules) if (r.weight() > out[i] && r.matches(normed, i)) out[i] = r.weight();
        }
        return out;
    }

    /** Rules in decreasing weight, as one line: {@code the token "red" (10); the token after "of" (6)}. */
    public String describe() {
        if (rules.isEmpty()) return "nothing recognisable (no rule)";
        List<Rule> sorted = new ArrayList<>(rules);
        sorted.sort((a, b) -> Double.compare(b.weight(), a.weight()));
        StringBuilder sb = new StringBuilder();
        for (Rule r : sorted) {
            if (sb.length() > 0) sb.append("; ");
            sb.append(r.describe()).append(" (").append(Math.round(r.weight())).append(")");
        }
        return sb.toString();
    }

    public String toJson() {
        try {
            String json = JSON.writeValueAsString(this);
            LAST_WRITTEN.set(Map.entry(json, this));
            return json;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rule set could not be written as JSON", e);
        }
    }

    public static RuleSet fromJson(String json) {
        // The pipeline explains and then simulates a feature on one thread: the form it parses is the
        // very string this thread just wrote, so the (immutable) rule set is reused without parsing.
        Map.Entry<String, RuleSet> last = LAST_WRITTEN.get();
        if (last != null && last.getKey() == json) return last.getValue();
        try {
            RuleSet r = JSON.readValue(json, RuleSet.class);
            if (r == null) throw new FormatException("rule set JSON is empty");
            return r;
        } catch (JsonProcessingException e) {
            throw new FormatException("rule set JSON is malformed: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new FormatException("rule set JSON has an invalid rule: " + e.getMessage());
        }
    }
}
