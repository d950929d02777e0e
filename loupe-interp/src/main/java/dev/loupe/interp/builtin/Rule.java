package dev.loupe.interp.builtin;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * One rule of the built-in simulator: where it fires and the activation (0–10) it predicts there.
 *
 * <ul>
 *   <li>{@code TOKEN}: the current token is one of {@code tokens};</li>
 *   <li>{@code AFTER}: the previous token is one of {@code tokens} (fires on the token after it);</li>
 *   <li>{@code BEFORE}: the next token is one of {@code tokens} (next-token explanations, Bills §3.2;
 *       the all-at-once simulator sees the whole excerpt, so looking ahead is allowed);</li>
 *   <li>{@code POSITION}: the position in the excerpt equals {@code index}.</li>
 * </ul>
 * Optional conditions look back over the previous {@code window} tokens: {@code requires} (at least
 * one of them present) and {@code unless} (none of them present) — the "only when" and "but not"
 * of explanations. Tokens are compared after {@link #norm} (strip whitespace, lower-case).
 */
public record Rule(Kind kind, Set<String> tokens, int index, Set<String> requires, Set<String> unless, int window, double weight) {
    public enum Kind { TOKEN, AFTER, BEFORE, POSITION }

    public Rule {
        if (kind == null) throw new IllegalArgumentException("rule kind is required");
        tokens = normAll(tokens);
        requires = normAll(requires);
        unless = normAll(unless);
        if (kind != Kind.POSITION && tokens.isEmpty()) throw new IllegalArgumentException(kind + " rule needs at least one token");
        if (kind == Kind.POSITION && index < 0) throw new IllegalArgumentException("position rule needs index ≥ 0, got " + index);
        if ((!requires.isEmpty() || !unless.isEmpty()) && window < 1) throw new IllegalArgumentException("conditional rule needs window ≥ 1, got " + window);
        if (!(weight >= 0 && weight <= 10)) throw new IllegalArgumentException("rule weight must be in [0, 10], got " + weight);
    }

    public static Rule token(Set<String> tokens, double w) { return new Rule(Kind.TOKEN, tokens, 0, Set.of(), Set.of(), 0, w); }
    public static Rule after(Set<String> tokens, double w) { return new Rule(Kind.AFTER, tokens, 0, Set.of(), Set.of(), 0, w); }
    public static Rule before(Set<String> tokens, double w) { return new Rule(Kind.BEFORE, tokens, 0, Set.of(), Set.of(), 0, w); }
    public static Rule position(int index, double w) { return new Rule(Kind.POSITION, Set.of(), index, Set.of(), Set.of(), 0, w); }

    public Rule withRequires(Set<String> ctx, int window) { return new Rule(kind, tokens, index, ctx, unless, window, weight); }
    public Rule withUnless(Set<String> ctx, int window) { return new Rule(kind, tokens, index, requires, ctx, window, weight); }
    public Rule withWeight(double w) { return new Rule(kind, tokens, index, requires, unless, window, w); }

    public static String norm(String token) { return token.strip().toLowerCase(Locale.ROOT); }

    private static Set<String> normAll(Set<String> s) {
        if (s == null || s.isEmpty()) return Set.of();
        if (s.size() == 1) return Set.of(norm(s.iterator().next()));  // the common case, kept cheap
        Set<String> out = new TreeSet<>();  // sorted: stable JSON and text
        for (String t : s) out.add(norm(t));
        return java.util.Collections.unmodifiableSet(out);
    }

    /** Whether the rule fires at position {@code i} of {@code normed} (tokens already normalised). */
    public boolean matches(String[] normed, int i) {
        boolean hit = switch (kind) {
            case TOKEN -> tokens.contains(normed[i]);
            case AFTER -> i > 0 && tokens.contains(normed[i - 1]);
            case BEFORE -> i + 1 < normed.length && tokens.contains(normed[i + 1]);
            case POSITION -> i == index;
        };
        if (!hit) return false;
        if (!requires.isEmpty() && !seenBefore(normed, i, requires)) return false;
        return unless.isEmpty() || !seenBefore(normed, i, unless);
    }

    private boolean seenBefore(String[] normed, int i, Set<String> set) {
        for (int j = Math.max(0, i - window); j < i; j++) if (set.contains(normed[j])) return true;
        return false;
    }

    /** Human-readable phrase, e.g. {@code "stop" when preceded by "not" (within 3 tokens)}. */
    public String describe() {
        String base = switch (kind) {
            case TOKEN -> (tokens.size() == 1 ? "the token " : "the tokens ") + quoted(tokens);
            case AFTER -> "the token after " + quoted(tokens);
            case BEFORE -> "the token before " + quoted(tokens);
            case POSITION -> "position " + index + " of the excerpt";
        };
        if (!requires.isEmpty()) base += " when preceded by " + quoted(requires) + " (within " + window + " tokens)";
        if (!unless.isEmpty()) base += " but not when preceded by " + quoted(unless) + " (within " + window + " tokens)";
        return base;
    }

    /** Tokens as {@code "a", "b"}; a quote inside is escaped, a whitespace-only token reads (whitespace). */
    static String quoted(Set<String> s) {
        StringBuilder sb = new StringBuilder();
        for (String t : s) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(t.isEmpty() ? "(whitespace)" : '"' + t.replace("\"", "\\\"") + '"');
        }
        return sb.toString();
    }
}
