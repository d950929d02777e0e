package dev.loupe.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.util.FormatException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tokenizer.json {@code pre_tokenizer} section: splits normalized text into pre-tokens, each of
 * which the BPE model encodes on its own. Must agree with {@code tokenizers::pre_tokenizers}.
 * Supported: ByteLevel (add_prefix_space, use_regex), Split (String or Regex pattern; behaviours
 * Removed, Isolated, MergedWithPrevious, MergedWithNext; invert false), Sequence. Anything else
 * (Metaspace, Whitespace, BertPreTokenizer, Digits, ...) is rejected at load.
 */
final class PreTokenizers {
    /** GPT-2's split regex, implied by ByteLevel with use_regex: true. */
    static final Pattern GPT2_REGEX = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    /** Splits each piece of a list into zero or more pieces. */
    interface PreTokenizer {
        List<String> apply(List<String> pieces);
    }

    private enum Behavior { REMOVED, ISOLATED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT }

    private PreTokenizers() {}

    /** The pre-tokenizer for {@code node}; a JSON null or missing section keeps the text whole. */
    static PreTokenizer parse(JsonNode node, String where) {
        if (node == null || node.isNull()) return pieces -> pieces;
        String type = JsonFields.type(node, where);
        return switch (type) {
            case "ByteLevel" -> {
                boolean prefix = JsonFields.bool(node, "add_prefix_space", true);
                boolean regex = JsonFields.bool(node, "use_regex", true);
                yield pieces -> {
                    List<String> out = new ArrayList<>();
                    for (String p : pieces) {
                        if (prefix && !p.startsWith(" ")) p = " " + p;
                        List<String> parts = regex ? split(p, GPT2_REGEX, Behavior.ISOLATED) : List.of(p);
                        for (String part : parts) out.add(ByteLevel.encode(part));
                    }
                    return out;
                };
            }
            case "Split" -> {
                if (JsonFields.bool(node, "invert", false)) throw new FormatException(where + ": Split with invert: true is not supported");
                Pattern pat = JsonFields.pattern(node.get("pattern"), where + ".pattern");
                Behavior behavior = behavior(JsonFields.text(node, "behavior", where), where);
                yield pieces -> {
                    List<String> out = new ArrayList<>();
                    for (String p : pieces) out.addAll(split(p, pat, behavior));
                    return out;
                };
            }
            case "Sequence" -> {
                JsonNode list = node.get("pretokenizers");
                if (list == null || !list.isArray()) throw new FormatException(where + ".pretokenizers must be an array");
                List<PreTokenizer> steps = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) steps.add(parse(list.get(i), where + ".pretokenizers[" + i + "]"));
                yield pieces -> {
                    for (PreTokenizer step : steps) pieces = step.apply(pieces);
                    return pieces;
                };
            }
            default -> throw JsonFields.unsupported(where, type);
        };
    }

    private static Behavior behavior(String name, String where) {
        return switch (name) {
            case "Removed" -> Behavior.REMOVED;
            case "Isolated" -> Behavior.ISOLATED;
            case "MergedWithPrevious" -> Behavior.MERGED_WITH_PREVIOUS;
            case "MergedWithNext" -> Behavior.MERGED_WITH_NEXT;
            default -> throw new FormatException(where + ".behavior '" + name + "' is not supported");
        };
    }

    /** HF's NormalizedString::split: matches and the gaps between them, combined per behaviour; no empty pieces. */
    static List<String> split(String s, Pattern pattern, Behavior behavior) {
        // spans: start, end, isMatch (1/0), covering s in order
        List<int[]> spans = new ArrayList<>();
        Matcher m = pattern.matcher(s);
        int prev = 0;
        while (m.find()) {
            if (m.end() == m.start()) continue;
            if (m.start() > prev) spans.add(new int[]{prev, m.start(), 0});
            spans.add(new int[]{m.start(), m.end(), 1});
            prev = m.end();
        }
        if (prev < s.length()) spans.add(new int[]{prev, s.length(), 0});

        List<int[]> merged = new ArrayList<>();
        switch (behavior) {
            case REMOVED -> { for (int[] sp : spans) if (sp[2] == 0) merged.add(sp); }
            case ISOLATED -> merged.addAll(spans);
            case MERGED_WITH_PREVIOUS -> {
                boolean previousMatch = false;
                for (int[] sp : spans) {
                    boolean isMatch = sp[2] == 1;
                    if (isMatch && !previousMatch && !merged.isEmpty()) merged.getLast()[1] = sp[1];
                    else merged.add(sp.clone());
                    previousMatch = isMatch;
                }
            }
            case MERGED_WITH_NEXT -> {
                boolean previousMatch = false;
                for (int i = spans.size() - 1; i >= 0; i--) {
                    int[] sp = spans.get(i);
                    boolean isMatch = sp[2] == 1;
                    if (isMatch && !previousMatch && !merged.isEmpty()) merged.getLast()[0] = sp[0];
                    else merged.add(sp.clone());
                    previousMatch = isMatch;
                }
                java.util.Collections.reverse(merged);
            }
        }
        List<String> out = new ArrayList<>(merged.size());
        for (int[] sp : merged) if (sp[1] > sp[0]) out.add(s.substring(sp[0], sp[1]));
        return out;
    }
}
