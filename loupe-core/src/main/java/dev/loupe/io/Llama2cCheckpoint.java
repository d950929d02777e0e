package dev.loupe.io;

import dev.loupe.tensor.Tensor;
import dev.loupe.util.FormatException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reader for karpathy/llama2.c legacy ("version 0") {@code .bin} checkpoints, as written by
 * {@code export.py --version 0} / the original {@code model.py} export and read by {@code run.c}.
 *
 * <p>Layout (little-endian): 7 × int32 header {@code dim, hidden_dim, n_layers, n_heads, n_kv_heads,
 * vocab_size, seq_len}; a negative vocab_size means the classifier {@code wcls} is stored separately at
 * the end (untied). Then fp32 arrays: {@code tok_emb[V][D]}, {@code rms_att[L][D]}, {@code wq[L][D][D]},
 * {@code wk[L][KV][D]}, {@code wv[L][KV][D]}, {@code wo[L][D][D]}, {@code rms_ffn[L][D]},
 * {@code w1[L][F][D]}, {@code w2[L][D][F]}, {@code w3[L][F][D]}, {@code rms_final[D]}, two RoPE tables
 * {@code freq_cis_real/imag[seq_len][head_size/2]} (skipped: RoPE is recomputed), and {@code wcls[V][D]}
 * if untied. Matrices are (out, in), so y = W·x. KV = D·n_kv_heads/n_heads.
 *
 * <p>Tensors are named {@code tok_emb}, {@code rms_final}, {@code wcls} (untied only) and per layer
 * {@code layers.{l}.rms_att|wq|wk|wv|wo|rms_ffn|w1|w2|w3}; per-layer tensors keep big models under the
 * 2^31-element array limit. The header is validated and the file size checked against it before any
 * tensor is allocated. Not supported: the newer versioned exports (magic "ak42"), quantized files.
 */
public record Llama2cCheckpoint(Header header, Map<String, Tensor> tensors) {
    /** First int32 of llama2.c version ≥ 1 exports ("ak42" little-endian). */
    static final int VERSIONED_MAGIC = 0x616b3432;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final int HEADER_BYTES = 7 * 4;

    /** The 7 header ints, with the classifier flag split out of vocab_size's sign. */
    public record Header(int dim, int hiddenDim, int nLayers, int nHeads, int nKvHeads, int vocabSize, int seqLen, boolean sharedClassifier) {
        public Header {
            if (dim <= 0 || hiddenDim <= 0 || nLayers <= 0 || nHeads <= 0 || nKvHeads <= 0 || vocabSize <= 0 || seqLen <= 0)
                throw new IllegalArgumentException("all header values must be positive: " + describe(dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen));
            if (dim % nHeads != 0) throw new IllegalArgumentException("dim " + dim + " is not divisible by n_heads " + nHeads);
            if (nHeads % nKvHeads != 0) throw new IllegalArgumentException("n_kv_heads " + nKvHeads + " does not divide n_heads " + nHeads);
            if (headSize(dim, nHeads) % 2 != 0) throw new IllegalArgumentException("head_size " + dim / nHeads + " is odd; RoPE needs pairs");
        }

        private static int headSize(int dim, int nHeads) { return dim / nHeads; }
        public int headSize() { return dim / nHeads; }
        public int kvDim() { return dim / nHeads * nKvHeads; }

        /** Number of fp32 values after the header the file must hold (RoPE tables included). */
        public long floatCount() {
            // exact arithmetic: a lying header must fail here, not wrap around to a plausible size
            long d = dim, f = hiddenDim, l = nLayers, v = vocabSize, kv = kvDim();
            long dd = Math.multiplyExact(d, d), kvd = Math.multiplyExact(kv, d), fd = Math.multiplyExact(f, d);
            long perLayer = Math.addExact(Math.addExact(2 * d, Math.multiplyExact(2, dd)),
                    Math.addExact(Math.multiplyExact(2, kvd), Math.multiplyExact(3, fd)));
            long vd = Math.multiplyExact(v, d);
            long n = Math.addExact(Math.addExact(vd, Math.multiplyExact(l, perLayer)), d + 2L * seqLen * (headSize() / 2));
            return sharedClassifier ? n : Math.addExact(n, vd);
        }

        /** Trainable parameters (everything but the RoPE tables). */
        public long params() { return floatCount() - 2L * seqLen * (headSize() / 2); }

        public long fileBytes() { return Math.addExact(HEADER_BYTES, Math.multiplyExact(4, floatCount())); }

        static String describe(int... h) {
            return "dim=" + h[0] + " hidden_dim=" + h[1] + " n_layers=" + h[2] + " n_heads=" + h[3]
                    + " n_kv_heads=" + h[4] + " vocab_size=" + h[5] + " seq_len=" + h[6];
        }
    }

    public Llama2cCheckpoint {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new FormatException("llama2.c checkpoint has no tensor '" + name + "' (names: tok_emb, rms_final, wcls if untied, layers.{l}.rms_att|wq|wk|wv|wo|rms_ffn|w1|w2|w3)");
        return t;
    }

    public Tensor layer(int l, String name) { return tensor("layers." + l + "." + name); }

    /** The unembedding [V, D]: {@code wcls} if untied, else {@code tok_emb}. */
    public Tensor classifier() { return header.sharedClassifier ? tensor("tok_emb") : tensor("wcls"); }

    /** Reads and validates the header only (cheap; used by inspect and by {@link #read}). */
    public static Header readHeader(Path path) {
        String f = path.toString();
        if (!Files.isRegularFile(path)) throw new FormatException(f + ": no such llama2.c checkpoint file");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = ch.size();
            if (size < HEADER_BYTES) throw new FormatException(f + ": " + size + " bytes is too short for a llama2.c header (28 bytes)");
            MemorySegment h = ch.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_BYTES, arena);
            int[] v = new int[7];
            for (int i = 0; i < 7; i++) v[i] = h.get(I32, 4L * i);
            return validate(f, size, v);
        } catch (IOException e) {
            throw new FormatException(f + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static Header validate(String f, long size, int[] v) {
        if (v[0] == VERSIONED_MAGIC)
            throw new FormatException(f + ": this is a versioned llama2.c export (magic \"ak42\"); only the legacy version-0 format is supported (re-export with --version 0)");
        Header h;
        long want;
        try {
            h = new Header(v[0], v[1], v[2], v[3], v[4], Math.abs(v[5]), v[6], v[5] > 0);
            want = h.fileBytes();
        } catch (IllegalArgumentException e) {
            throw new FormatException(f + ": not a llama2.c checkpoint, invalid header (" + e.getMessage() + ")");
        } catch (ArithmeticException e) {
            throw new FormatException(f + ": not a llama2.c checkpoint, header (" + Header.describe(v) + ") implies more than 2^63 bytes");
        }
        if (size != want) {
            String why = size < want ? "the file is truncated" : "the file has " + (size - want) + " trailing bytes";
            throw new FormatException(f + ": llama2.c header (" + Header.describe(v) + ") implies " + want + " bytes but the file has "
                    + size + "; " + why + ", or it is not a legacy llama2.c checkpoint");
        }
        return h;
    }

    /** Reads the whole checkpoint into fp32 tensors. */
    public static Llama2cCheckpoint read(Path path) {
        Header h = readHeader(path); // size verified: every allocation below is backed by file bytes
        int d = h.dim(), f = h.hiddenDim(), v = h.vocabSize(), kv = h.kvDim(), L = h.nLayers();
        Map<String, Tensor> t = new LinkedHashMap<>();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            Cursor c = new Cursor(all, HEADER_BYTES);
            t.put("tok_emb", c.next(v, d));
            for (int l = 0; l < L; l++) t.put("layers." + l + ".rms_att", c.next(d));
            for (int l = 0; l < L; l++) t.put("layers." + l + ".wq", c.next(d, d));
            for (int l = 0; l < L; l++) t.put("layers." + l + ".wk", c.next(kv, d));
            for (int l = 0; l < L; l++) t.put("layers." + l + ".wv", c.next(kv, d));
            for (int l = 0; l < L; l++) t.put("layers." + l + ".wo", c.next(d, d));
            for (int l = 0; l < L; l++) t.put("layers." + l + ".rms_ffn", c.next(d));
            for (int l = 0; l < L; l++) t.put("layers." + l + ".w1", c.next(f, d));
            for (int l = 0; l < L; l++) t.put("layers." + l + ".w2", c.next(d, f));
            for (int l = 0; l < L; l++) t.put("layers." + l + ".w3", c.next(f, d));
            t.put("rms_final", c.next(d));
            c.skip(2L * h.seqLen() * (h.headSize() / 2)); // freq_cis_real, freq_cis_imag
            if (!h.sharedClassifier()) t.put("wcls", c.next(v, d));
            if (c.pos != all.byteSize()) throw new IllegalStateException("layout arithmetic mismatch: read " + c.pos + " of " + all.byteSize());
        } catch (IOException e) {
            throw new FormatException(path + ": cannot read (" + e.getMessage() + ")", e);
        }
        return new Llama2cCheckpoint(h, t);
    }

    private static final class Cursor {
        final MemorySegment seg;
        long pos;

        Cursor(MemorySegment seg, long pos) { this.seg = seg; this.pos = pos; }

        Tensor next(int... shape) {
            long n = Tensor.numel(shape);
            if (n > Integer.MAX_VALUE - 16) throw new FormatException("llama2.c tensor of shape " + java.util.Arrays.toString(shape) + " is too large for one fp32 array");
            float[] a = new float[(int) n];
            MemorySegment.copy(seg, F32, pos, a, 0, a.length);
            pos += 4 * n;
            return new Tensor(a, shape);
        }

        void skip(long floats) { pos += 4 * floats; }
    }
}
