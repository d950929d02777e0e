package dev.loupe.interp.builtin;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a natural-language explanation into a {@link RuleSet} so the built-in simulator can score
 * explanations it did not write (LLM output, puzzle candidates). Deliberately small and literal:
 *
 * <ul>
 *   <li>Only quoted strings ("…" or “…”) name tokens. A quote introduced by "following", "after",
 *       "preceded by" (or the common misspelling "proceeded by") is a left context; one introduced by
 *       "next word/token is", "followed by" or "before" is a right neighbour; any other quote is a
 *       token that fires. A quote continuing a list ("x", "y" and "z") keeps the list's role.</li>
 *   <li>Firing tokens with a left context → TOKEN rule requiring that context within 3 tokens; a left
 *       context alone → AFTER rule; right neighbours → BEFORE rule.</li>
 *   <li>"negated"/"negation" in the main clause adds a requirement that a negation word ("not",
 *       "n't", "'t", "no", "never", "cannot") occurs within 3 tokens before.</li>
 *   <li>After "but not", "except", "excluding" or "unless", quotes introduced by a context word become
 *       "unless" conditions; other quotes there are counter-examples and are ignored.</li>
 *   <li>"first word" / "first token" → POSITION 0.</li>
 * </ul>
 * All rules get weight 10. An explanation without quotes or the patterns above parses to the empty
 * rule set, whose simulation is constant — its correlation is undefined, never a made-up number.
 * Concepts ("colours", "incorrect answers") are beyond this parser by design.
 */
public final class ExplanationParser {
    static final int WINDOW = 3;
    static final Set<String> NEGATIONS = Set.of("not", "n't", "'t", "no", "never", "cannot");  // GPT-2 splits "don't" into "don" + "'t"
    private static final Pattern QUOTE = Pattern.compile("\"([^\"]+)\"|“([^”]+)”");
    private static final Pattern EXCEPTION = Pattern.compile("\\b(but not|except|excluding|unless)\\b");
    private static final Pattern LEFT = Pattern.compile("\\b(following|after|preceded by|proceeded by)\\b");
    private static final Pattern RIGHT = Pattern.compile("\\b(next (word|token)|followed by|before)\\b");
    private static final Pattern LIST_GAP = Pattern.compile("^[\\s,]*(and|or)?[\\s,]*$");

    enum Role { FIRE, LEFT, RIGHT }

    private ExplanationParser() {}

    public static RuleSet parse(String explanation) {
        String text = explanation.strip();
        String lower = text.toLowerCase(Locale.ROOT);
        Matcher ex = EXCEPTION.matcher(lower);
        int split = ex.find() ? ex.start() : text.length();
        Set<String> fire = new LinkedHashSet<>(), left = new LinkedHashSet<>(), right = new LinkedHashSet<>();
        collect(text.substring(0, split), fire, left, right);
        Set<String> exFire = new LinkedHashSet<>(), unless = new LinkedHashSet<>(), exRight = new LinkedHashSet<>();
        collect(text.substring(split), exFire, unless, exRight);

        String main = lower.substring(0, split);
        Set<String> requires = new LinkedHashSet<>(left);
        if (main.contains("negated") || main.contains("negation")) requires.addAll(NEGATIONS);
        List<Rule> rules = new ArrayList<>();
        if (!fire.isEmpty()) {
            Rule r = Rule.token(fire, 10);
            if (!requires.isEmpty()) r = r.withRequires(requires, WINDOW);
            if (!unless.isEmpty()) r = r.withUnless(unless, WINDOW);
            rules.add(r);
        } else if (!left.isEmpty()) {
            Rule r = Rule.after(left, 10);
            if (!unless.isEmpty()) r = r.withUnless(unless, WINDOW);
            rules.add(r);
        }
        if (!right.isEmpty()) rules.add(Rule.before(right, 10));
        if (main.contains("first word") || main.contains("first token")) rules.add(Rule.position(0, 10));
        return new RuleSet(rules);
    }

    /** Sorts the quotes of one clause into firing tokens, left contexts and right neighbours. */
    static void collect(String clause, Set<String> fire, Set<String> left, Set<String> right) {
        Matcher m = QUOTE.matcher(clause);
        int prevEnd = 0;
        Role prev = Role.FIRE;
        while (m.find()) {
            String q = m.group(1) != null ? m.group(1) : m.group(2);
            String gap = clause.substring(prevEnd, m.start()).toLowerCase(Locale.ROOT);
            Role role;
            if (LEFT.matcher(gap).find()) role = Role.LEFT;
            else if (RIGHT.matcher(gap).find()) role = Role.RIGHT;
            else if (prevEnd > 0 && LIST_GAP.matcher(gap).matches()) role = prev;
            else role = Role.FIRE;
            (role == Role.FIRE ? fire : role == Role.LEFT ? left : right).add(q);
            prev = role;
            prevEnd = m.end();
        }
    }
}
