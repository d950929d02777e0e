package dev.loupe.model.arch;

import dev.loupe.io.WeightStore;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.FormatException;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an HF checkpoint's tensors by name with an explicit shape check each, remembers which ones
 * were used, and at {@link #finish()} fails on any tensor left over that is not a known buffer, so a
 * mapping that forgets or misreads a tensor cannot pass silently. Also has the layout helpers the
 * architecture classes share (transpose of [out, in] Linear weights, row/column slices).
 */
final class WeightReader {
    /** Non-persistent buffers old checkpoints contain; skipped by name whatever their dtype or shape. */
    private static final List<String> BUFFER_SUFFIXES = List.of(
            ".attn.bias", ".attn.masked_bias", ".attention.bias", ".attention.masked_bias", ".rotary_emb.inv_freq");

    private final WeightStore st;
    private final Set<String> unused;

    WeightReader(WeightStore st) {
        this.st = st;
        this.unused = new LinkedHashSet<>(st.names());
    }

    boolean contains(String name) { return st.contains(name); }

    /** Tensor {@code name} as fp32, which must have exactly {@code shape}. */
    Tensor take(String name, int... shape) {
        if (!st.contains(name)) throw new FormatException(st.path() + ": missing tensor '" + name + "' (expected shape " + Arrays.toString(shape) + ")");
        long[] actual = st.entry(name).shape();
        if (!Arrays.equals(actual, Arrays.stream(shape).asLongStream().toArray()))
            throw new FormatException(st.path() + ": tensor '" + name + "' has shape " + Arrays.toString(actual) + ", expected " + Arrays.toString(shape));
        unused.remove(name);
        return st.tensor(name);
    }

    /** A Linear weight stored [out, in], returned transposed to [in, out]. */
    Tensor takeLinear(String name, int out, int in) { return transpose(take(name, out, in)); }

    /** Checks that every tensor in the file was used, apart from known buffers. */
    void finish() {
        Set<String> left = new TreeSet<>();
        for (String n : unused) if (BUFFER_SUFFIXES.stream().noneMatch(n::endsWith)) left.add(n);
        if (!left.isEmpty())
            throw new FormatException(st.path() + ": " + left.size() + " tensor(s) not used by the architecture mapping, e.g. '"
                    + left.iterator().next() + "'; the config does not match the weights");
    }

    static Tensor transpose(Tensor t) {
        int r = t.dim(0), c = t.dim(1);
        float[] s = t.data(), d = new float[s.length];
        for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) d[j * r + i] = s[i * c + j];
        return new Tensor(d, c, r);
    }

    /** Columns [from, from+n) of a [rows, cols] matrix. */
    static Tensor columns(Tensor t, int from, int n) {
        int r = t.dim(0), c = t.dim(1);
        float[] d = new float[r * n];
        for (int i = 0; i < r; i++) System.arraycopy(t.data(), i * c + from, d, i * n, n);
        return new Tensor(d, r, n);
    }

    /** Elements [from, from+n) of a vector. */
    static Tensor slice(Tensor v, int from, int n) {
        return new Tensor(Arrays.copyOfRange(v.data(), from, from + n), n);
    }
}
