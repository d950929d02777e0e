package dev.loupe.tokenizer;

import dev.loupe.util.ConfigException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;

/**
 * A HuggingFace {@code tokenizer.json} tokenizer (BPE models: byte-level like GPT-2/Llama-3/Qwen,
 * or SentencePiece-style with byte fallback like Llama-2/Mistral/Gemma). Must give the same ids and
 * text as HF {@code tokenizers} (checked against its outputs in ../shared/tokenizers). Encoding:
 * added tokens are cut out of the raw text, each remaining segment is normalized, cut again at
 * normalized added tokens, pre-tokenized, and each pre-token is BPE-encoded; with special tokens,
 * the post-processor's template adds BOS etc. Not supported (rejected at load by
 * {@link HfTokenizerLoader}): WordPiece/Unigram/WordLevel models and the components it lists.
 */
public final class HfTokenizer implements Tokenizer {
    private final String source;
    private final Bpe model;
    private final AddedTokens rawAdded, normalizedAdded;
    private final String[] addedContent;      // by id; null where the id is not an added token
    private final boolean[] special;          // by id
    private final UnaryOperator<String> normalizer;
    private final PreTokenizers.PreTokenizer preTokenizer;
    private final Decoders.Decoder decoder, tokenDecoder;
    private final boolean byteLevelDecoder, byteFallbackDecoder;
    private final int[] prefix, suffix;       // post-processor template around the ids
    private final OptionalInt bos, eos;
    private final int vocabSize;

    /** Parsed parts of a tokenizer.json; build one with {@link HfTokenizerLoader}. */
    record Parts(String source, Bpe model, List<AddedTokens.AddedToken> added, UnaryOperator<String> normalizer,
                 PreTokenizers.PreTokenizer preTokenizer, Decoders.Decoder decoder, Decoders.Decoder tokenDecoder,
                 boolean byteLevelDecoder, boolean byteFallbackDecoder, int[] prefix, int[] suffix,
                 OptionalInt bos, OptionalInt eos) {}

    HfTokenizer(Parts p) {
        source = p.source();
        model = p.model();
        int size = model.size();
        for (var t : p.added()) size = Math.max(size, t.id() + 1);
        vocabSize = size;
        addedContent = new String[size];
        special = new boolean[size];
        List<AddedTokens.AddedToken> raw = new ArrayList<>(), norm = new ArrayList<>();
        for (var t : p.added()) {
            addedContent[t.id()] = t.content();
            special[t.id()] = t.special();
            if (!t.normalized()) raw.add(t);
            else {   // HF matches a normalized token by its normalized spelling, on normalized text
                String spelled = p.normalizer().apply(t.content());
                if (!spelled.isEmpty()) norm.add(new AddedTokens.AddedToken(t.id(), spelled, t.special(), true, t.lstrip(), t.rstrip()));
            }
        }
        rawAdded = new AddedTokens(raw);
        normalizedAdded = new AddedTokens(norm);
        normalizer = p.normalizer();
        preTokenizer = p.preTokenizer();
        decoder = p.decoder();
        tokenDecoder = p.tokenDecoder();
        byteLevelDecoder = p.byteLevelDecoder();
        byteFallbackDecoder = p.byteFallbackDecoder();
        prefix = p.prefix();
        suffix = p.suffix();
        bos = p.bos();
        eos = p.eos();
    }

    /** Loads a {@code tokenizer.json} file. */
    public static HfTokenizer load(Path file) { return HfTokenizerLoader.load(file); }

    @Override public int[] encode(String text, boolean addSpecialTokens) {
        Bpe.IntList out = new Bpe.IntList(text.length() / 3 + 4);
        if (addSpecialTokens) out.addAll(prefix);
        for (AddedTokens.Segment seg : rawAdded.split(text)) {
            if (seg.id() >= 0) { out.add(seg.id()); continue; }
            for (AddedTokens.Segment sub : normalizedAdded.split(normalizer.apply(seg.text()))) {
                if (sub.id() >= 0) { out.add(sub.id()); continue; }
                if (sub.text().isEmpty()) continue;
                for (String piece : preTokenizer.apply(List.of(sub.text()))) model.tokenize(piece, out);
            }
        }
        if (addSpecialTokens) out.addAll(suffix);
        return out.toArray();
    }

    @Override public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            String t = tokenString(id);
            if (skipSpecialTokens && special[id]) continue;
            tokens.add(t);
        }
        return String.join("", decoder.apply(tokens));
    }

    @Override public int vocabSize() { return vocabSize; }

    @Override public String tokenString(int id) {
        if (id < 0 || id >= vocabSize) {
            throw new ConfigException("token id " + id + " is outside the vocabulary [0, " + vocabSize + ") of " + source);
        }
        String t = addedContent[id] != null ? addedContent[id] : model.token(id);
        if (t == null) throw new ConfigException("token id " + id + " has no token in " + source + " (a gap in the vocabulary)");
        return t;
    }

    @Override public byte[] tokenBytes(int id) {
        // What decode([id]) would produce, but keeping bytes that are not a whole UTF-8 character.
        String t = tokenString(id);
        if (byteLevelDecoder) {
            byte[] b = ByteLevel.toBytes(t);
            if (b != null) return b;
        }
        if (byteFallbackDecoder && Decoders.byteToken(t) >= 0) return new byte[]{(byte) Decoders.byteToken(t)};
        return String.join("", tokenDecoder.apply(List.of(t))).getBytes(StandardCharsets.UTF_8);
    }

    /** Id of a token spelled exactly {@code token} (added tokens first), if any. */
    public OptionalInt tokenId(String token) {
        for (var seg : rawAdded.split(token)) if (seg.id() >= 0 && seg.text().equals(token)) return OptionalInt.of(seg.id());
        for (var seg : normalizedAdded.split(token)) if (seg.id() >= 0 && seg.text().equals(token)) return OptionalInt.of(seg.id());
        Integer id = model.id(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Whether {@code id} is an added token flagged special (the ones skipSpecialTokens drops). */
    public boolean isSpecial(int id) { return id >= 0 && id < vocabSize && special[id]; }

    @Override public OptionalInt bosId() { return bos; }

    @Override public OptionalInt eosId() { return eos; }

    @Override public String toString() { return "HfTokenizer(" + source + ", vocab " + vocabSize + ")"; }
}
