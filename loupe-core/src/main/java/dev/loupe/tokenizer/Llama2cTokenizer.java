package dev.loupe.tokenizer;

import dev.loupe.util.FormatException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.PriorityQueue;

/**
 * A llama2.c {@code tokenizer.bin} / {@code tok512.bin}: SentencePiece BPE exported as
 * (score, bytes) per id, with {@code ▁} already turned into a space. Must agree with
 * {@code encode}/{@code decode} in karpathy/llama2.c run.c: encoding prepends one space (non-empty
 * text only), looks up each UTF-8 character (missing ones become byte tokens, id = byte + 3), then
 * repeatedly merges the adjacent pair whose concatenation has the highest score, leftmost on ties.
 * Decoding maps {@code <0xNN>} to the raw byte and drops the leading space of the first token of
 * the text (at the start or right after BOS), as SentencePiece does for its dummy prefix.
 * Ids 0/1/2 are unk / BOS / EOS; skipSpecialTokens drops BOS and EOS.
 */
public final class Llama2cTokenizer implements Tokenizer {
    static final int BOS = 1, EOS = 2, BYTE_OFFSET = 3;

    private final String source;
    private final byte[][] pieces;   // raw bytes by id
    private final String[] strings;  // pieces as UTF-8 text, for lookup and tokenString
    private final float[] scores;
    private final Map<String, Integer> ids = new HashMap<>();

    private Llama2cTokenizer(String source, byte[][] pieces, float[] scores) {
        this.source = source;
        this.pieces = pieces;
        this.scores = scores;
        strings = new String[pieces.length];
        for (int i = 0; i < pieces.length; i++) {
            strings[i] = new String(pieces[i], StandardCharsets.UTF_8);
            ids.putIfAbsent(strings[i], i);   // llama2.c's bsearch finds one of equal strings; first id wins here
        }
    }

    /** Reads a llama2.c tokenizer file; the vocabulary size is however many entries the file holds. */
    public static Llama2cTokenizer load(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FormatException(file + ": cannot read: " + e, e);
        }
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (buf.remaining() < 4) throw new FormatException(file + ": too short for a llama2.c tokenizer (no max_token_length)");
        int maxLen = buf.getInt();
        if (maxLen <= 0 || maxLen > 1 << 16) throw new FormatException(file + ": max_token_length " + maxLen + " is implausible; not a llama2.c tokenizer.bin");
        var pieces = new java.util.ArrayList<byte[]>();
        var scores = new java.util.ArrayList<Float>();
        while (buf.hasRemaining()) {
            int id = pieces.size();
            if (buf.remaining() < 8) throw new FormatException(file + ": entry " + id + " is truncated");
            float score = buf.getFloat();
            int len = buf.getInt();
            if (len < 0 || len > maxLen || len > buf.remaining()) {
                throw new FormatException(file + ": entry " + id + " has length " + len + " (max_token_length " + maxLen + ", " + buf.remaining() + " bytes left)");
            }
            byte[] b = new byte[len];
            buf.get(b);
            pieces.add(b);
            scores.add(score);
        }
        if (pieces.size() < BYTE_OFFSET + 256) throw new FormatException(file + ": only " + pieces.size() + " entries; a llama2.c vocab has unk, BOS, EOS and 256 byte tokens first");
        float[] s = new float[scores.size()];
        for (int i = 0; i < s.length; i++) s[i] = scores.get(i);
        return new Llama2cTokenizer(file.toString(), pieces.toArray(new byte[0][]), s);
    }

    /** {@code addSpecialTokens} prepends BOS only, like run.c's prompt encoding (bos=1, eos=0) and HF Llama's default. */
    @Override public int[] encode(String text, boolean addSpecialTokens) {
        Bpe.IntList tokens = new Bpe.IntList(text.length() + 3);
        if (!text.isEmpty()) addPiece(" ", tokens);
        for (int i = 0; i < text.length(); ) {
            int n = Character.charCount(text.codePointAt(i));
            addPiece(text.substring(i, i + n), tokens);
            i += n;
        }
        int[] sym = tokens.toArray();
        int n = sym.length;
        // run.c rescans for the best pair after every merge (O(n²)); a priority queue ordered by
        // (score desc, position asc) with stale entries skipped picks the same pair each step.
        int[] next = new int[n], prev = new int[n];
        boolean[] dead = new boolean[n];
        for (int i = 0; i < n; i++) { prev[i] = i - 1; next[i] = i + 1 < n ? i + 1 : -1; }
        PriorityQueue<int[]> queue = new PriorityQueue<>(Math.max(1, n), (a, b) ->
                scores[a[1]] != scores[b[1]] ? Float.compare(scores[b[1]], scores[a[1]]) : Integer.compare(a[0], b[0]));
        for (int i = 0; i + 1 < n; i++) push(queue, sym, i, i + 1);
        while (!queue.isEmpty()) {
            int[] top = queue.poll();   // {left position, merged id}
            int left = top[0], right = next[left];
            if (dead[left] || right < 0 || pairId(sym[left], sym[right]) != top[1]) continue;
            sym[left] = top[1];
            dead[right] = true;
            next[left] = next[right];
            if (next[right] >= 0) prev[next[right]] = left;
            if (prev[left] >= 0) push(queue, sym, prev[left], left);
            if (next[left] >= 0) push(queue, sym, left, next[left]);
        }
        int len = 0;
        for (int i = 0; n > 0 && i >= 0; i = next[i]) sym[len++] = sym[i];
        Bpe.IntList out = new Bpe.IntList(len + 2);
        if (addSpecialTokens) out.add(BOS);
        for (int i = 0; i < len; i++) out.add(sym[i]);
        return out.toArray();
    }

    private void push(PriorityQueue<int[]> queue, int[] sym, int left, int right) {
        int id = pairId(sym[left], sym[right]);
        if (id >= 0) queue.add(new int[]{left, id});
    }

    private int pairId(int a, int b) {
        Integer id = ids.get(strings[a] + strings[b]);
        return id == null ? -1 : id;
    }

    /** A character's token, or its UTF-8 bytes as byte tokens when the vocabulary lacks it. */
    private void addPiece(String ch, Bpe.IntList out) {
        Integer id = ids.get(ch);
        if (id != null) { out.add(id); return; }
        for (byte b : ch.getBytes(StandardCharsets.UTF_8)) out.add((b & 0xFF) + BYTE_OFFSET);
    }

    @Override public String decode(int[] ids, boolean skipSpecialTokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean atStart = true;
        for (int id : ids) {
            checkId(id);
            if (id == BOS || id == EOS) {
                if (!skipSpecialTokens) out.writeBytes(pieces[id]);
                atStart = id == BOS;
                continue;
            }
            byte[] b = tokenBytes(id);
            int from = atStart && b.length > 0 && b[0] == ' ' ? 1 : 0;
            out.write(b, from, b.length - from);
            atStart = false;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override public int vocabSize() { return pieces.length; }

    @Override public String tokenString(int id) {
        checkId(id);
        return strings[id];
    }

    @Override public byte[] tokenBytes(int id) {
        checkId(id);
        int b = Decoders.byteToken(strings[id]);
        return b >= 0 ? new byte[]{(byte) b} : pieces[id].clone();
    }

    /** The merge score of {@code id} (−rank for merges, 0 for single characters). */
    public float score(int id) {
        checkId(id);
        return scores[id];
    }

    @Override public OptionalInt bosId() { return OptionalInt.of(BOS); }

    @Override public OptionalInt eosId() { return OptionalInt.of(EOS); }

    private void checkId(int id) {
        if (id < 0 || id >= pieces.length) {
            throw new dev.loupe.util.ConfigException("token id " + id + " is outside the vocabulary [0, " + pieces.length + ") of " + source);
        }
    }

    @Override public String toString() { return "Llama2cTokenizer(" + source + ", vocab " + pieces.length + ")"; }
}
