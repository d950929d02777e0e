package dev.loupe.tokenizer;

import dev.loupe.util.FormatException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds a tokenizer.json's added tokens in text, leftmost first and then longest, as HF's
 * AddedVocabulary does with its Aho-Corasick automaton. Two instances are used per tokenizer: one
 * for tokens with {@code normalized: false}, matched on the raw text, and one for
 * {@code normalized: true}, matched on each remaining segment after the normalizer. lstrip/rstrip
 * make a match swallow the whitespace beside it; single_word is rejected at load.
 */
final class AddedTokens {
    /** One entry of tokenizer.json {@code added_tokens}. */
    record AddedToken(int id, String content, boolean special, boolean normalized, boolean lstrip, boolean rstrip) {
        AddedToken {
            if (id < 0) throw new FormatException("added token '" + content + "' has negative id " + id);
            if (content.isEmpty()) throw new FormatException("added token " + id + " has empty content");
        }
    }

    /** A piece of the input: an added token ({@code id >= 0}) or text still to be tokenized ({@code id == -1}). */
    record Segment(String text, int id) {}

    private static final class Node {
        final Map<Character, Node> next = new HashMap<>(4);
        AddedToken token;   // the token ending here, if any
    }

    private final Node root = new Node();
    private final boolean empty;

    AddedTokens(List<AddedToken> tokens) {
        for (AddedToken t : tokens) {
            Node n = root;
            for (int i = 0; i < t.content().length(); i++) n = n.next.computeIfAbsent(t.content().charAt(i), c -> new Node());
            n.token = t;
        }
        empty = tokens.isEmpty();
    }

    /** Splits {@code text} into added tokens and the text between them (no empty text segments). */
    List<Segment> split(String text) {
        if (empty) return List.of(new Segment(text, -1));
        List<Segment> out = new ArrayList<>();
        int textStart = 0, i = 0;
        while (i < text.length()) {
            AddedToken best = null;
            Node n = root;
            for (int j = i; j < text.length(); j++) {
                n = n.next.get(text.charAt(j));
                if (n == null) break;
                if (n.token != null) best = n.token;
            }
            if (best == null) { i++; continue; }
            int start = i, end = i + best.content().length();
            if (best.lstrip()) while (start > textStart && Character.isWhitespace(text.charAt(start - 1))) start--;
            if (best.rstrip()) while (end < text.length() && Character.isWhitespace(text.charAt(end))) end++;
            if (start > textStart) out.add(new Segment(text.substring(textStart, start), -1));
            out.add(new Segment(best.content(), best.id()));
            textStart = i = end;
        }
        if (textStart < text.length()) out.add(new Segment(text.substring(textStart), -1));
        return out;
    }
}
