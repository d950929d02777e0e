package dev.loupe.tokenizer;

import java.util.OptionalInt;

/**
 * Text ↔ token ids, the contract every Loupe tokenizer keeps. Implementations: {@link HfTokenizer}
 * (HuggingFace {@code tokenizer.json}; must agree with HF {@code tokenizers}) and
 * {@link Llama2cTokenizer} (llama2.c {@code tokenizer.bin}; must agree with llama2.c's run.c).
 * Get one with {@link Tokenizers#load}. Implementations are immutable and thread-safe.
 */
public interface Tokenizer {

    /** Token ids of {@code text}; {@code addSpecialTokens} adds what the tokenizer's template adds (e.g. BOS). */
    int[] encode(String text, boolean addSpecialTokens);

    /** Text of {@code ids}; {@code skipSpecialTokens} drops special tokens (BOS, EOS, ...) but keeps other added tokens. */
    String decode(int[] ids, boolean skipSpecialTokens);

    /** Number of ids, including added tokens: every id in [0, vocabSize) is valid. */
    int vocabSize();

    /** The vocabulary's own spelling of {@code id} (byte-level alphabet, {@code ▁}, {@code <0xNN>} as stored). */
    String tokenString(int id);

    /** The raw bytes {@code id} stands for when decoded on its own (a byte token is one byte). */
    byte[] tokenBytes(int id);

    OptionalInt bosId();

    OptionalInt eosId();

    /**
     * A one-line, human-readable rendering of one token for UIs: its bytes as UTF-8 text, with bytes
     * that are not a whole UTF-8 character shown as {@code <0xNN>} and line breaks / tabs / other
     * control characters escaped ({@code \n}, {@code \t}, {@code <0x1B>}).
     */
    default String displayToken(int id) {
        return TokenDisplay.render(tokenBytes(id));
    }
}
