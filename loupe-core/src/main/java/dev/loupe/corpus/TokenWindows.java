package dev.loupe.corpus;

import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.util.ConfigException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Cuts tokenised documents into fixed-length contexts, the unit every harvest, analysis and probing pass
 * runs the model on. Follows SAELens' conventions: each context is {@code contextSize} tokens; with a
 * BOS id, the context is BOS followed by {@code contextSize - 1} document tokens; by default a context
 * never crosses a document boundary (a document's tail shorter than a full context is dropped), and with
 * {@code crossDocuments} documents are joined by the separator (the tokenizer's end-of-text) into one
 * stream that is cut without regard to boundaries.
 *
 * <p>Not a tokenizer or a corpus reader: documents come from {@link Corpora}, ids from a {@link Tokenizer}
 * with special tokens off (the BOS here is explicit). Deterministic: the same documents give the same
 * windows in the same order. Lazy: memory is one document's tokens, whatever the corpus length.
 */
public final class TokenWindows implements Iterator<TokenWindows.Window> {

    /** One context: its ids [contextSize], the index of the document its first real token comes from
     *  (in iteration order), and that token's position in the document. */
    public record Window(int[] tokens, int document, int start) {}

    /**
     * @param contextSize    tokens per window, BOS included
     * @param bos            id put first in every window, or -1 for none
     * @param crossDocuments join documents with {@code separator} instead of keeping windows inside one
     * @param separator      id between documents when crossing (usually end-of-text); -1 for none
     */
    public record Options(int contextSize, int bos, boolean crossDocuments, int separator) {
        public Options {
            if (contextSize < 2) throw new ConfigException("context size must be at least 2, got " + contextSize);
        }

        /** Windows inside documents, BOS = the tokenizer's BOS, else its end-of-text (GPT-2's convention), else none. */
        public static Options of(int contextSize, Tokenizer tok, boolean prependBos) {
            int bos = prependBos ? bosOrEos(tok) : -1;
            return new Options(contextSize, bos, false, tok.eosId().orElse(-1));
        }

        public Options crossingDocuments() { return new Options(contextSize, bos, true, separator); }
    }

    private final Iterator<Document> docs;
    private final Tokenizer tok;
    private final Options opt;
    private final int body;            // document tokens per window
    private int[] ids = new int[0];    // pending ids
    private int[] docOf = new int[0];  // document index of each pending id
    private int[] posOf = new int[0];  // its position inside that document
    private int cursor;                // next unused index in ids
    private int docIndex = -1;
    private Window next;

    public TokenWindows(Iterator<Document> documents, Tokenizer tokenizer, Options options) {
        this.docs = documents;
        this.tok = tokenizer;
        this.opt = options;
        this.body = options.contextSize() - (options.bos() >= 0 ? 1 : 0);
        if (options.bos() >= tokenizer.vocabSize() || options.separator() >= tokenizer.vocabSize())
            throw new ConfigException("BOS/separator id outside the tokenizer's vocabulary of " + tokenizer.vocabSize());
    }

    /** All windows of the documents, at most {@code max} of them (max &lt; 0: all). */
    public static List<Window> collect(Iterable<Document> documents, Tokenizer tok, Options options, int max) {
        var it = new TokenWindows(documents.iterator(), tok, options);
        List<Window> out = new ArrayList<>();
        while (it.hasNext() && (max < 0 || out.size() < max)) out.add(it.next());
        return out;
    }

    /** Just the ids of {@link #collect}, as the [batch][pos] array the engine takes. */
    public static int[][] tokens(List<Window> windows) {
        int[][] t = new int[windows.size()][];
        for (int i = 0; i < t.length; i++) t[i] = windows.get(i).tokens();
        return t;
    }

    /** The BOS id, else the end-of-text id, else a clear error. */
    public static int bosOrEos(Tokenizer tok) {
        if (tok.bosId().isPresent()) return tok.bosId().getAsInt();
        if (tok.eosId().isPresent()) return tok.eosId().getAsInt();
        throw new ConfigException("the tokenizer has neither a BOS nor an end-of-text token; run without BOS prepending");
    }

    @Override public boolean hasNext() {
        if (next == null) next = advance();
        return next != null;
    }

    @Override public Window next() {
        if (!hasNext()) throw new NoSuchElementException();
        Window w = next;
        next = null;
        return w;
    }

    private Window advance() {
        while (ids.length - cursor < body) {
            if (!docs.hasNext()) return null;
            int[] doc = tok.encode(docs.next().text(), false);
            docIndex++;
            // Inside documents, a tail shorter than a window is dropped; across them it waits for the next document.
            int keep = opt.crossDocuments() ? ids.length - cursor : 0;
            int sep = opt.crossDocuments() && opt.separator() >= 0 ? 1 : 0;
            int n = keep + doc.length + sep;
            int[] nIds = new int[n], nDoc = new int[n], nPos = new int[n];
            System.arraycopy(ids, cursor, nIds, 0, keep);
            System.arraycopy(docOf, cursor, nDoc, 0, keep);
            System.arraycopy(posOf, cursor, nPos, 0, keep);
            for (int i = 0; i < doc.length + sep; i++) {
                nIds[keep + i] = i < doc.length ? doc[i] : opt.separator();
                nDoc[keep + i] = docIndex;
                nPos[keep + i] = i;
            }
            ids = nIds; docOf = nDoc; posOf = nPos;
            cursor = 0;
        }
        Window w = window(ids, cursor, docOf[cursor], posOf[cursor]);
        cursor += body;
        return w;
    }

    private Window window(int[] src, int from, int document, int start) {
        int[] w = new int[opt.contextSize()];
        int o = 0;
        if (opt.bos() >= 0) w[o++] = opt.bos();
        System.arraycopy(src, from, w, o, body);
        return new Window(w, document, start);
    }
}
