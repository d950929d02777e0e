package dev.loupe.model.arch;

import dev.loupe.model.Transformer;
import dev.loupe.model.TransformerConfig;
import dev.loupe.model.TransformerConfig.Activation;
import dev.loupe.model.TransformerConfig.Normalization;
import dev.loupe.model.TransformerConfig.Positional;
import dev.loupe.model.TransformerConfig.RotaryStyle;
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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * karpathy/llama2.c legacy ("version 0") {@code .bin} checkpoints (format: ../shared/models/README.md):
 * 7 little-endian int32 {@code dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len}
 * (negative vocab = untied {@code wcls} at the end), then fp32 arrays with matrices stored [out, in].
 * Semantics (llama2.c run.c): RMSNorm eps 1e-5, RoPE theta 10000 on <b>interleaved</b> pairs (2i, 2i+1)
 * over the whole head, GQA, SwiGLU ({@code w1} gate → W_gate, {@code w3} → W_in, {@code w2} → W_out).
 *
 * <p>This holds its own minimal reader; the formats module's {@code Llama2cCheckpoint} is meant to
 * replace it. The file size is checked against the header before anything is allocated.
 */
public final class Llama2c {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Llama2c() {}

    public static Transformer load(Path file) {
        String f = file.toString();
        if (!Files.isRegularFile(file)) throw new FormatException(f + ": no such llama2.c checkpoint");
        try (Arena arena = Arena.ofConfined(); FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 28) throw new FormatException(f + ": " + size + " bytes is too short for a llama2.c header (28 bytes)");
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            int[] h = new int[7];
            for (int i = 0; i < 7; i++) h[i] = m.get(I32, 4L * i);
            int dim = h[0], hidden = h[1], layers = h[2], heads = h[3], kvHeads = h[4], vocabRaw = h[5], seqLen = h[6];
            int vocab = Math.abs(vocabRaw);
            if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || vocabRaw == 0 || vocabRaw == Integer.MIN_VALUE
                    || seqLen <= 0 || dim % heads != 0 || heads % kvHeads != 0 || (dim / heads) % 2 != 0)
                throw new FormatException(f + ": implausible llama2.c header " + java.util.Arrays.toString(h)
                        + " (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len); not a legacy llama2.c checkpoint?");
            boolean tied = vocabRaw > 0;
            long dh = dim / heads, kvDim = dh * kvHeads, L = layers;
            long floats = (long) vocab * dim + L * dim + L * dim * dim + 2 * L * kvDim * dim + L * dim * dim + L * dim
                    + 3 * L * hidden * dim + dim + (long) seqLen * dh + (tied ? 0 : (long) vocab * dim);
            if (28 + 4 * floats != size)
                throw new FormatException(f + ": header " + java.util.Arrays.toString(h) + " implies " + (28 + 4 * floats)
                        + " bytes but the file has " + size + "; truncated, or not a legacy (version 0) llama2.c file");

            TransformerConfig cfg = TransformerConfig.builder()
                    .name("llama2.c").nLayers(layers).dModel(dim).nHeads(heads).nKvHeads(kvHeads).dHead((int) dh)
                    .dMlp(hidden).vocab(vocab).nCtx(seqLen)
                    .normalization(Normalization.RMS_NORM).eps(1e-5)
                    .positional(Positional.ROTARY).rotaryStyle(RotaryStyle.INTERLEAVED).rotaryBase(10000)
                    .gatedMlp(true).act(Activation.SILU).tiedEmbeddings(tied)
                    .qkvBias(false).attnOutBias(false).mlpBias(false)
                    .build();
            Cursor c = new Cursor(m);
            Map<String, Tensor> w = new LinkedHashMap<>();
            w.put("embed.W_E", c.next(vocab, dim));
            int kv = (int) kvDim;
            Tensor[] rmsAtt = c.stack(layers, dim), wq = c.stack(layers, dim, dim), wk = c.stack(layers, kv, dim),
                    wv = c.stack(layers, kv, dim), wo = c.stack(layers, dim, dim), rmsFfn = c.stack(layers, dim),
                    w1 = c.stack(layers, hidden, dim), w2 = c.stack(layers, dim, hidden), w3 = c.stack(layers, hidden, dim);
            for (int l = 0; l < layers; l++) {
                String b = "blocks." + l + ".";
                w.put(b + "ln1.w", rmsAtt[l]);
                w.put(b + "attn.W_Q", WeightReader.transpose(wq[l]));
                w.put(b + "attn.W_K", WeightReader.transpose(wk[l]));
                w.put(b + "attn.W_V", WeightReader.transpose(wv[l]));
                w.put(b + "attn.W_O", WeightReader.transpose(wo[l]));
                w.put(b + "ln2.w", rmsFfn[l]);
                w.put(b + "mlp.W_gate", WeightReader.transpose(w1[l]));
                w.put(b + "mlp.W_out", WeightReader.transpose(w2[l]));
                w.put(b + "mlp.W_in", WeightReader.transpose(w3[l]));
            }
            w.put("ln_final.w", c.next(dim));
            c.skip((long) seqLen * dh);                     // freq_cis_real/imag: RoPE is recomputed
            if (!tied) w.put("unembed.W_U", WeightReader.transpose(c.next(vocab, dim)));
            return Transformer.create(cfg, w);
        } catch (IOException e) {
            throw new FormatException(f + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Sequential fp32 reader over the mapped file, after the header. */
    private static final class Cursor {
        private final MemorySegment m;
        private long off = 28;

        Cursor(MemorySegment m) { this.m = m; }

        Tensor next(int... shape) {
            float[] d = new float[Math.toIntExact(Tensor.numel(shape))];
            MemorySegment.copy(m, F32, off, d, 0, d.length);
            off += 4L * d.length;
            return new Tensor(d, shape);
        }

        Tensor[] stack(int n, int... shape) {
            Tensor[] t = new Tensor[n];
            for (int i = 0; i < n; i++) t[i] = next(shape);
            return t;
        }

        void skip(long floats) { off += 4 * floats; }
    }
}
