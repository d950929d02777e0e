package dev.loupe.tokenizer.train;

import dev.loupe.util.AtomicFiles;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.loupe.tokenizer.ByteLevel;
import dev.loupe.util.FormatException;
import dev.loupe.util.LoupeException;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A byte-level BPE vocabulary (GPT-2 scheme) as learned by {@link BpeTrainer}: token bytes per id,
 * the ordered merges, and the special token {@code <|endoftext|>}. Encodes and decodes text and
 * reads/writes HF {@code tokenizer.json} (model BPE, ByteLevel pre-tokenizer / post-processor /
 * decoder, one added special token), the layout of the gpt2 file in {@code shared/tokenizers}.
 *
 * <p>Not the project's HF tokenizer ({@code dev.loupe.tokenizer.HfTokenizer}, which reads every
 * family, and is what {@code train-lm} tokenises with); the encoder here exists to check learned merges
 * while training and in tests.
 * Must agree with HF {@code tokenizers} (test: gpt2 expected ids in {@code shared/tokenizers}).
 */
public final class BpeModel {
    /** GPT-2's pre-tokenisation regex (OpenAI encoder.py), with Unicode classes. */
    public static final Pattern PRE_TOKENIZE = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);
    public static final String END_OF_TEXT = "<|endoftext|>";

    private final byte[][] tokenBytes;        // id → bytes (the special token: its UTF-8 content)
    private final int[] byteId = new int[256];
    private final long[] merges;              // rank → (left << 32 | right)
    private final Map<Long, Integer> rank = new HashMap<>();
    private final int[] mergeResult;          // rank → merged id
    private final int eotId;
    private final Map<String, int[]> cache = new java.util.concurrent.ConcurrentHashMap<>();
    private static final char[] BYTE_CHARS = ByteLevel.bytesToUnicode();

    BpeModel(byte[][] tokenBytes, long[] merges, int eotId) {
        this.tokenBytes = tokenBytes;
        this.merges = merges;
        this.eotId = eotId;
        java.util.Arrays.fill(byteId, -1);
        Map<String, Integer> byBytes = new HashMap<>();
        for (int id = 0; id < tokenBytes.length; id++) {
            if (id == eotId) continue;
            byBytes.putIfAbsent(new String(tokenBytes[id], StandardCharsets.ISO_8859_1), id);
            if (tokenBytes[id].length == 1) byteId[tokenBytes[id][0] & 0xFF] = id;
        }
        for (int b = 0; b < 256; b++) if (byteId[b] < 0) throw new IllegalArgumentException("vocabulary lacks byte " + b);
        mergeResult = new int[merges.length];
        for (int r = 0; r < merges.length; r++) {
            int a = (int) (merges[r] >>> 32), b = (int) merges[r];
            byte[] cat = concat(tokenBytes[a], tokenBytes[b]);
            Integer id = byBytes.get(new String(cat, StandardCharsets.ISO_8859_1));
            if (id == null) throw new IllegalArgumentException("merge " + r + " produces a token missing from the vocabulary");
            mergeResult[r] = id;
            rank.putIfAbsent(merges[r], r);
        }
    }

    public int vocabSize() { return tokenBytes.length; }
    public int endOfTextId() { return eotId; }
    public int mergeCount() { return merges.length; }

    /** Token ids of text; literal {@code <|endoftext|>} becomes the special token, as HF does by default. */
    public int[] encode(String text) {
        var out = new IntList();
        int from = 0;
        while (true) {
            int at = text.indexOf(END_OF_TEXT, from);
            encodeOrdinary(at < 0 ? text.substring(from) : text.substring(from, at), out);
            if (at < 0) break;
            out.add(eotId);
            from = at + END_OF_TEXT.length();
        }
        return out.toArray();
    }

    private void encodeOrdinary(String text, IntList out) {
        Matcher m = PRE_TOKENIZE.matcher(text);
        while (m.find()) {
            for (int id : cache.computeIfAbsent(m.group(), this::encodeWord)) out.add(id);
        }
    }

    /** GPT-2 BPE on one pre-token: repeatedly merge the adjacent pair with the lowest merge rank. */
    private int[] encodeWord(String word) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        int[] sym = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) sym[i] = byteId[bytes[i] & 0xFF];
        int n = sym.length;
        while (n > 1) {
            int best = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < n; i++) {
                Integer r = rank.get(((long) sym[i] << 32) | sym[i + 1]);
                if (r != null && r < best) best = r;
            }
            if (best == Integer.MAX_VALUE) break;
            long pair = merges[best];
            int a = (int) (pair >>> 32), b = (int) pair, w = 0;
            for (int i = 0; i < n; i++) {
                if (i + 1 < n && sym[i] == a && sym[i + 1] == b) { sym[w++] = mergeResult[best]; i++; }
                else sym[w++] = sym[i];
            }
            n = w;
        }
        return java.util.Arrays.copyOf(sym, n);
    }

    /** Text of ids: token bytes concatenated, then UTF-8 decoded (invalid sequences → U+FFFD, like HF). */
    public String decode(int[] ids) {
        var buf = new ByteArrayOutputStream();
        for (int id : ids) buf.writeBytes(tokenBytes[id]);
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** Writes {@code tokenizer.json} and a minimal {@code tokenizer_config.json} into dir (atomically). */
    public void write(Path dir) {
        var vocab = new LinkedHashMap<String, Integer>();
        for (int id = 0; id < tokenBytes.length; id++) if (id != eotId) vocab.put(byteLevel(tokenBytes[id]), id);
        List<String> mergeStrings = new ArrayList<>(merges.length);
        for (long p : merges) mergeStrings.add(byteLevel(tokenBytes[(int) (p >>> 32)]) + " " + byteLevel(tokenBytes[(int) p]));
        var root = new LinkedHashMap<String, Object>();
        root.put("version", "1.0");
        root.put("truncation", null);
        root.put("padding", null);
        root.put("added_tokens", List.of(orderedMap("id", eotId, "content", END_OF_TEXT, "single_word", false,
                "lstrip", false, "rstrip", false, "normalized", true, "special", true)));
        root.put("normalizer", null);
        root.put("pre_tokenizer", orderedMap("type", "ByteLevel", "add_prefix_space", false, "trim_offsets", true, "use_regex", true));
        root.put("post_processor", orderedMap("type", "ByteLevel", "add_prefix_space", true, "trim_offsets", false, "use_regex", true));
        root.put("decoder", orderedMap("type", "ByteLevel", "add_prefix_space", true, "trim_offsets", true, "use_regex", true));
        var model = orderedMap("type", "BPE", "dropout", null, "unk_token", null, "continuing_subword_prefix", "",
                "end_of_word_suffix", "", "fuse_unk", false, "byte_fallback", false, "ignore_merges", false);
        model.put("vocab", vocab);
        model.put("merges", mergeStrings);
        root.put("model", model);
        var config = orderedMap("tokenizer_class", "GPT2TokenizerFast", "bos_token", END_OF_TEXT, "eos_token", END_OF_TEXT,
                "unk_token", END_OF_TEXT, "add_prefix_space", false, "model_max_length", 1024);
        var json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        try {
            AtomicFiles.writeString(dir.resolve("tokenizer.json"), json.writeValueAsString(root) + "\n");
            AtomicFiles.writeString(dir.resolve("tokenizer_config.json"), json.writeValueAsString(config) + "\n");
        } catch (IOException e) {
            throw new LoupeException("cannot encode the tokenizer for " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Reads a byte-level BPE {@code tokenizer.json} with GPT-2 layout (as written by {@link #write}, or gpt2's own). */
    public static BpeModel read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new FormatException("cannot read " + file + ": " + e.getMessage() + " (expected an HF tokenizer.json)", e);
        }
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText()) || !"ByteLevel".equals(root.path("pre_tokenizer").path("type").asText()))
            throw new FormatException(file + ": not a byte-level BPE tokenizer (model.type " + model.path("type") + ", pre_tokenizer " + root.path("pre_tokenizer").path("type") + ")");
        int eot = -1, size = 0;
        for (JsonNode t : root.path("added_tokens")) {
            if (END_OF_TEXT.equals(t.path("content").asText())) eot = t.path("id").asInt();
            size = Math.max(size, t.path("id").asInt() + 1);
        }
        if (eot < 0) throw new FormatException(file + ": added_tokens has no " + END_OF_TEXT);
        Map<String, Integer> vocab = new HashMap<>();
        for (var it = model.path("vocab").fields(); it.hasNext(); ) {
            var e = it.next();
            vocab.put(e.getKey(), e.getValue().asInt());
            size = Math.max(size, e.getValue().asInt() + 1);
        }
        byte[][] tokenBytes = new byte[size][];
        for (var e : vocab.entrySet()) {
            byte[] b = ByteLevel.toBytes(e.getKey());
            if (b == null) throw new FormatException(file + ": vocab entry '" + e.getKey() + "' is outside the byte-level alphabet");
            tokenBytes[e.getValue()] = b;
        }
        tokenBytes[eot] = END_OF_TEXT.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < size; i++) if (tokenBytes[i] == null) throw new FormatException(file + ": token id " + i + " is missing from the vocab");
        JsonNode ms = model.path("merges");
        long[] merges = new long[ms.size()];
        for (int r = 0; r < merges.length; r++) {
            JsonNode m = ms.get(r);
            String left, right;
            if (m.isArray()) { left = m.get(0).asText(); right = m.get(1).asText(); }
            else {
                int sp = m.asText().indexOf(' ');
                if (sp < 0) throw new FormatException(file + ": merge " + r + " '" + m.asText() + "' is not 'left right'");
                left = m.asText().substring(0, sp);
                right = m.asText().substring(sp + 1);
            }
            Integer a = vocab.get(left), b = vocab.get(right);
            if (a == null || b == null) throw new FormatException(file + ": merge " + r + " uses a token missing from the vocab");
            merges[r] = ((long) a << 32) | b;
        }
        try {
            return new BpeModel(tokenBytes, merges, eot);
        } catch (IllegalArgumentException e) {
            throw new FormatException(file + ": " + e.getMessage(), e);
        }
    }

    /** Bytes spelled in GPT-2's byte-level alphabet (a token may hold part of a UTF-8 character). */
    private static String byteLevel(byte[] bytes) {
        var sb = new StringBuilder(bytes.length);
        for (byte b : bytes) sb.append(BYTE_CHARS[b & 0xFF]);
        return sb.toString();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static LinkedHashMap<String, Object> orderedMap(Object... kv) {
        var m = new LinkedHashMap<String, Object>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }


    /** Growable int array. */
    static final class IntList {
        private int[] a = new int[16];
        private int n;
        void add(int v) { if (n == a.length) a = java.util.Arrays.copyOf(a, n * 2); a[n++] = v; }
        int size() { return n; }
        int get(int i) { return a[i]; }
        int[] toArray() { return java.util.Arrays.copyOf(a, n); }
    }
}
