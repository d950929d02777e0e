package dev.loupe.tokenizer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.util.FormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Reads a HuggingFace {@code tokenizer.json} into an {@link HfTokenizer}. The model's vocab and
 * merges (hundreds of thousands of entries in the large files) are streamed straight into the BPE
 * tables; the small sections are read as trees. Every component this package cannot reproduce
 * exactly is rejected with a one-line {@link FormatException} naming it, never approximated.
 * BOS/EOS ids come from {@code tokenizer_config.json} beside the file when present (HF tokenizers
 * itself does not know them), else BOS is the first special token of the post-processor template.
 */
final class HfTokenizerLoader {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HfTokenizerLoader() {}

    static HfTokenizer load(Path file) {
        String src = file.toString();
        Map<String, JsonNode> sections = new HashMap<>();
        Bpe model = null;
        // Vocab tokens arrive as field names; interning 262k one-off names would only cost time.
        JsonFactory factory = JsonFactory.builder().disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build();
        try (JsonParser p = factory.setCodec(MAPPER).createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new FormatException(src + ": not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("model")) model = readModel(p, src);
                else sections.put(name, p.readValueAsTree());
            }
        } catch (IOException e) {
            throw new FormatException(src + ": cannot read as tokenizer.json: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
        }
        if (model == null) throw new FormatException(src + ": no 'model' section; is this a HuggingFace tokenizer.json?");
        for (String unused : List.of("truncation", "padding")) {
            JsonNode n = sections.get(unused);
            if (n != null && !n.isNull()) throw new FormatException(src + ": '" + unused + "' is set; Loupe does not truncate or pad (set it to null)");
        }
        String w = src + ": ";
        List<AddedTokens.AddedToken> added = readAdded(sections.get("added_tokens"), src);
        Map<String, Integer> addedIds = new HashMap<>();
        for (var t : added) addedIds.put(t.content(), t.id());
        final Bpe bpe = model;
        java.util.function.Function<String, Integer> lookup = tok -> addedIds.containsKey(tok) ? addedIds.get(tok) : bpe.id(tok);

        int[][] template = PostProcessors.parse(sections.get("post_processor"), w + "post_processor");
        JsonNode dec = sections.get("decoder");
        List<String> decTypes = dec == null ? List.of() : dec.findValuesAsText("type");
        OptionalInt bos = OptionalInt.empty(), eos = OptionalInt.empty();
        JsonNode config = readConfig(file.resolveSibling("tokenizer_config.json"));
        if (config != null) {
            bos = specialFromConfig(config.get("bos_token"), lookup);
            eos = specialFromConfig(config.get("eos_token"), lookup);
        }
        if (bos.isEmpty() && template[0].length > 0) bos = OptionalInt.of(template[0][0]);
        return new HfTokenizer(new HfTokenizer.Parts(src, model, added,
                Normalizers.parse(sections.get("normalizer"), w + "normalizer"),
                PreTokenizers.parse(sections.get("pre_tokenizer"), w + "pre_tokenizer"),
                Decoders.parse(dec, w + "decoder"), Decoders.parse(withoutStrip(dec), w + "decoder"),
                decTypes.contains("ByteLevel"), decTypes.contains("ByteFallback"),
                template[0], template[1], bos, eos));
    }

    private static Bpe readModel(JsonParser p, String src) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) throw new FormatException(src + ": 'model' must be an object");
        Map<String, Integer> vocab = null;
        List<String[]> merges = new ArrayList<>();
        Map<String, JsonNode> opts = new HashMap<>();
        boolean sawMerges = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "vocab" -> {
                    if (t != JsonToken.START_OBJECT) throw new FormatException(src + ": model.vocab must be an object {token: id}");
                    vocab = new HashMap<>(1 << 16);
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String tok = p.currentName();
                        if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) throw new FormatException(src + ": model.vocab['" + tok + "'] must be an integer id");
                        vocab.put(tok, p.getIntValue());
                    }
                }
                case "merges" -> {
                    if (t != JsonToken.START_ARRAY) throw new FormatException(src + ": model.merges must be an array");
                    sawMerges = true;
                    while (p.nextToken() != JsonToken.END_ARRAY) merges.add(readMerge(p, src, merges.size()));
                }
                default -> opts.put(name, p.readValueAsTree());
            }
        }
        String where = src + ": model";
        // Files written before models carried a type are BPE exactly when they have merges.
        String type = opts.containsKey("type") ? opts.get("type").asText() : sawMerges ? "BPE" : "(no type)";
        if (!type.equals("BPE")) throw JsonFields.unsupported(where, type);
        if (vocab == null) throw new FormatException(where + " has no 'vocab'");
        JsonNode dropout = opts.get("dropout");
        if (dropout != null && !dropout.isNull() && dropout.asDouble() != 0.0) throw new FormatException(where + ".dropout is not supported (set it to null)");
        for (String affix : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
            JsonNode a = opts.get(affix);
            if (a != null && !a.isNull() && !a.asText().isEmpty()) throw new FormatException(where + "." + affix + " '" + a.asText() + "' is not supported");
        }
        JsonNode unk = opts.get("unk_token");
        return new Bpe(vocab, merges, unk == null || unk.isNull() ? null : unk.asText(),
                bool(opts, "fuse_unk"), bool(opts, "byte_fallback"), bool(opts, "ignore_merges"), src);
    }

    private static boolean bool(Map<String, JsonNode> opts, String key) {
        JsonNode n = opts.get(key);
        return n != null && n.asBoolean(false);
    }

    /** A merge is "a b" (older files) or ["a", "b"] (newer files, which allow spaces in tokens). */
    private static String[] readMerge(JsonParser p, String src, int index) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            String[] parts = p.getText().split(" ", -1);
            if (parts.length != 2) throw new FormatException(src + ": model.merges[" + index + "] '" + p.getText() + "' is not two tokens separated by one space");
            return parts;
        }
        if (p.currentToken() == JsonToken.START_ARRAY && p.nextToken() == JsonToken.VALUE_STRING) {
            String a = p.getText();
            if (p.nextToken() == JsonToken.VALUE_STRING) {
                String b = p.getText();
                if (p.nextToken() == JsonToken.END_ARRAY) return new String[]{a, b};
            }
        }
        throw new FormatException(src + ": model.merges[" + index + "] must be \"a b\" or [\"a\", \"b\"]");
    }

    private static List<AddedTokens.AddedToken> readAdded(JsonNode list, String src) {
        List<AddedTokens.AddedToken> out = new ArrayList<>();
        if (list == null || list.isNull()) return out;
        if (!list.isArray()) throw new FormatException(src + ": added_tokens must be an array");
        for (int i = 0; i < list.size(); i++) {
            JsonNode t = list.get(i);
            String where = src + ": added_tokens[" + i + "]";
            if (JsonFields.bool(t, "single_word", false)) throw new FormatException(where + " has single_word: true, which is not supported");
            if (!t.has("id") || !t.get("id").canConvertToInt()) throw new FormatException(where + " has no integer 'id'");
            out.add(new AddedTokens.AddedToken(t.get("id").asInt(), JsonFields.text(t, "content", where),
                    JsonFields.bool(t, "special", false), JsonFields.bool(t, "normalized", true),
                    JsonFields.bool(t, "lstrip", false), JsonFields.bool(t, "rstrip", false)));
        }
        return out;
    }

    /** The decoder with Strip steps removed: used to show one token, where stripping would hide its leading space. */
    private static JsonNode withoutStrip(JsonNode dec) {
        if (dec == null || dec.isNull() || !"Sequence".equals(dec.path("type").asText())) return dec;
        var copy = dec.deepCopy();
        var list = (com.fasterxml.jackson.databind.node.ArrayNode) copy.path("decoders");
        for (int i = list.size() - 1; i >= 0; i--) if ("Strip".equals(list.get(i).path("type").asText())) list.remove(i);
        return copy;
    }

    private static JsonNode readConfig(Path file) {
        if (!Files.isRegularFile(file)) return null;
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new FormatException(file + ": not valid JSON (" + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + ")", e);
        }
    }

    /** bos_token / eos_token in tokenizer_config.json: a string or {"content": string}; null → none. */
    private static OptionalInt specialFromConfig(JsonNode node, java.util.function.Function<String, Integer> lookup) {
        if (node == null || node.isNull()) return OptionalInt.empty();
        String content = node.isTextual() ? node.asText() : node.path("content").asText(null);
        Integer id = content == null ? null : lookup.apply(content);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }
}
