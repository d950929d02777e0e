package dev.loupe.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.util.FormatException;

/**
 * The tokenizer.json {@code post_processor} section, reduced to what it does to the ids of a single
 * sequence when add_special_tokens is on: ids put before and after it. Must agree with
 * {@code tokenizers::processors}. Supported: ByteLevel (offsets only, adds nothing),
 * TemplateProcessing ({@code single} with one $A), RobertaProcessing / BertProcessing
 * (cls $A sep), Sequence. Pair templates are not used by Loupe and are not read.
 */
final class PostProcessors {
    private PostProcessors() {}

    /** {prefix ids, suffix ids} for {@code node}; a JSON null or missing section adds nothing. */
    static int[][] parse(JsonNode node, String where) {
        int[][] none = {new int[0], new int[0]};
        if (node == null || node.isNull()) return none;
        String type = JsonFields.type(node, where);
        return switch (type) {
            case "ByteLevel" -> none;
            case "TemplateProcessing" -> template(node, where);
            case "RobertaProcessing", "BertProcessing" -> new int[][]{{tokenId(node, "cls", where)}, {tokenId(node, "sep", where)}};
            case "Sequence" -> {
                JsonNode list = node.get("processors");
                if (list == null || !list.isArray()) throw new FormatException(where + ".processors must be an array");
                int[][] acc = none;
                for (int i = 0; i < list.size(); i++) {   // each processor wraps what the previous ones produced
                    int[][] p = parse(list.get(i), where + ".processors[" + i + "]");
                    acc = new int[][]{concat(p[0], acc[0]), concat(acc[1], p[1])};
                }
                yield acc;
            }
            default -> throw JsonFields.unsupported(where, type);
        };
    }

    private static int[][] template(JsonNode node, String where) {
        JsonNode single = node.get("single"), specials = node.get("special_tokens");
        if (single == null || !single.isArray()) throw new FormatException(where + ".single must be an array");
        Bpe.IntList prefix = new Bpe.IntList(2), suffix = new Bpe.IntList(2);
        boolean seenA = false;
        for (JsonNode piece : single) {
            if (piece.has("Sequence")) {
                String id = piece.get("Sequence").path("id").asText();
                if (!id.equals("A") || seenA) throw new FormatException(where + ".single: sequence '" + id + "' is not supported (only one $A)");
                seenA = true;
            } else if (piece.has("SpecialToken")) {
                String name = piece.get("SpecialToken").path("id").asText();
                JsonNode ids = specials == null ? null : specials.path(name).get("ids");
                if (ids == null || !ids.isArray()) throw new FormatException(where + ".special_tokens has no ids for '" + name + "'");
                for (JsonNode id : ids) (seenA ? suffix : prefix).add(id.asInt());
            } else {
                throw new FormatException(where + ".single has an entry that is neither Sequence nor SpecialToken: " + piece);
            }
        }
        if (!seenA) throw new FormatException(where + ".single has no $A sequence");
        return new int[][]{prefix.toArray(), suffix.toArray()};
    }

    /** Roberta/Bert store their tokens as ["<s>", 0]. */
    private static int tokenId(JsonNode node, String field, String where) {
        JsonNode pair = node.get(field);
        if (pair == null || !pair.isArray() || pair.size() != 2 || !pair.get(1).canConvertToInt()) {
            throw new FormatException(where + "." + field + " must be [token, id]");
        }
        return pair.get(1).asInt();
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
