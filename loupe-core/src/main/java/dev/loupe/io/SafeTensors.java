package dev.loupe.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader for one safetensors file (format: huggingface/safetensors README, "Format"):
 * 8-byte little-endian header length N, N bytes of UTF-8 JSON, then the byte buffer.
 *
 * <p>The file is memory-mapped; tensors are decoded to fp32 {@link Tensor}s on request. Every header
 * claim is checked against the file before any allocation (header size ≤ 100 MB and within the file,
 * offsets in range, shape × dtype = byte length, tensors tiling the buffer with no overlap, hole or
 * trailing bytes — the reference implementation's rules), so a lying header gives a one-line
 * {@link FormatException} naming file, tensor and problem, never an OOM. Duplicate keys are rejected.
 * Close it to unmap; tensors already decoded stay valid.
 */
public final class SafeTensors implements AutoCloseable {
    /** Largest header accepted (the reference implementation's limit). */
    public static final long MAX_HEADER = 100L * 1000 * 1000;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One entry of the header. {@code begin}/{@code end} are relative to the data buffer. */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        public long numel() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
        public int[] intShape() {
            int[] s = new int[shape.length];
            for (int i = 0; i < s.length; i++) s[i] = Math.toIntExact(shape[i]);
            return s;
        }
    }

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafeTensors(Path path, Arena arena, MemorySegment data, Map<String, Entry> entries, Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.entries = entries;
        this.metadata = metadata;
    }

    public static SafeTensors open(Path path) {
        String f = path.toString();
        if (!Files.isRegularFile(path)) throw new FormatException(f + ": no such safetensors file");
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new FormatException(f + ": truncated safetensors file (" + size + " bytes, need at least 8 for the header length)");
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long n = all.get(I64, 0);
            // n is a u64: a negative long is a claim above 2^63, so it fails the same check.
            if (n < 0 || n > MAX_HEADER)
                throw new FormatException(f + ": header length " + Long.toUnsignedString(n) + " is larger than the 100 MB limit; the file is corrupt or not safetensors");
            if (8 + n > size) throw new FormatException(f + ": header length " + n + " is larger than the file (" + size + " bytes); the file is truncated or not safetensors");
            byte[] hb = all.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE);
            JsonNode root;
            try {
                root = JSON.readTree(hb);
            } catch (IOException e) {
                throw new FormatException(f + ": header is not valid JSON (" + firstLine(e.getMessage()) + ")");
            }
            if (root == null || !root.isObject()) throw new FormatException(f + ": header is not a JSON object");
            MemorySegment buf = all.asSlice(8 + n);
            Map<String, String> meta = new LinkedHashMap<>();
            Map<String, Entry> es = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    if (!e.getValue().isObject()) throw new FormatException(f + ": __metadata__ is not a JSON object of strings");
                    for (var m : e.getValue().properties()) {
                        if (!m.getValue().isTextual()) throw new FormatException(f + ": __metadata__ value '" + m.getKey() + "' is not a string");
                        meta.put(m.getKey(), m.getValue().asText());
                    }
                    continue;
                }
                es.put(e.getKey(), parseEntry(f, e.getKey(), e.getValue(), buf.byteSize()));
            }
            checkLayout(f, es, buf.byteSize());
            return new SafeTensors(path, arena, buf, Collections.unmodifiableMap(es), Collections.unmodifiableMap(meta));
        } catch (IOException e) {
            arena.close();
            throw new FormatException(f + ": cannot read (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Entry parseEntry(String f, String name, JsonNode node, long bufSize) {
        String t = f + ": tensor '" + name + "'";
        if (!node.isObject()) throw new FormatException(t + " header entry is not an object");
        JsonNode dtn = node.get("dtype");
        if (dtn == null || !dtn.isTextual()) throw new FormatException(t + " has no dtype string");
        DType dt = DType.parse(dtn.asText(), f, name);
        JsonNode sh = node.get("shape");
        JsonNode off = node.get("data_offsets");
        if (sh == null || !sh.isArray()) throw new FormatException(t + " has no shape array");
        if (off == null || !off.isArray() || off.size() != 2 || !isLong(off.get(0)) || !isLong(off.get(1)))
            throw new FormatException(t + " needs data_offsets [begin, end] (two integers)");
        long[] shape = new long[sh.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!isLong(d) || d.asLong() < 0) throw new FormatException(t + " has invalid dimension " + d + " (dimensions are integers >= 0)");
            shape[i] = d.asLong();
            if (Math.multiplyHigh(numel, shape[i]) != 0 || numel * shape[i] < 0) throw new FormatException(t + " shape " + Arrays.toString(shape) + " overflows");
            numel *= shape[i];
        }
        long b = off.get(0).asLong(), e = off.get(1).asLong();
        if (b < 0 || e < b || e > bufSize)
            throw new FormatException(t + " offsets [" + b + ", " + e + "] are out of range of the " + bufSize
                    + "-byte data buffer (truncated file or corrupt header)");
        if (numel > Long.MAX_VALUE / dt.size || numel * dt.size != e - b)
            throw new FormatException(t + " shape " + Arrays.toString(shape) + " x " + dt
                    + " needs " + (numel > Long.MAX_VALUE / dt.size ? "more than 2^63" : numel * dt.size) + " bytes but its offsets span " + (e - b));
        return new Entry(name, dt, shape, b, e);
    }

    private static boolean isLong(JsonNode n) { return n != null && n.isIntegralNumber() && n.canConvertToLong(); }

    /**
     * Tensors must tile the data buffer exactly: no overlaps, no holes, no trailing bytes. The
     * reference implementation enforces the same ("MetadataIncompleteBuffer" / "InvalidOffset"), so
     * no file written by the Python or Rust library is rejected here, and a file can't hide extra
     * payload bytes in a gap.
     */
    private static void checkLayout(String f, Map<String, Entry> es, long bufSize) {
        List<Entry> sorted = new ArrayList<>(es.values());
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry last = null;
        for (Entry q : sorted) {
            if (q.begin < covered)
                throw new FormatException(f + ": tensors '" + last.name + "' and '" + q.name + "' overlap in the data buffer (bytes " + q.begin + ".." + covered + ")");
            if (q.begin > covered)
                throw new FormatException(f + ": data buffer has a hole at bytes [" + covered + ", " + q.begin + ") before tensor '" + q.name
                        + "'; safetensors requires tensors to cover the buffer contiguously");
            if (q.end > q.begin) { covered = q.end; last = q; }
        }
        if (covered != bufSize)
            throw new FormatException(f + ": " + (bufSize - covered) + " trailing bytes after the last tensor (data buffer is " + bufSize
                    + " bytes, tensors cover " + covered + "); the file is corrupt or not safetensors");
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    public Path path() { return path; }
    public Map<String, String> metadata() { return metadata; }
    public Map<String, Entry> entries() { return entries; }
    public boolean contains(String name) { return entries.containsKey(name); }

    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) throw new FormatException(path + ": no tensor named '" + name + "'");
        return e;
    }

    /** Decodes a floating-point (or integer) tensor to fp32. */
    public Tensor tensor(String name) {
        Entry e = entry(name);
        long n = e.numel();
        if (n > Integer.MAX_VALUE - 16) throw new FormatException(path + ": tensor '" + name + "' has " + n + " elements, more than one fp32 array can hold");
        float[] out = new float[(int) n];
        MemorySegment s = data.asSlice(e.begin, e.end - e.begin);
        switch (e.dtype) {
            case F32 -> MemorySegment.copy(s, F32, 0, out, 0, out.length);
            case F16, BF16 -> halves(s, out, e.dtype == DType.BF16);
            case F64 -> { for (int i = 0; i < out.length; i++) out[i] = (float) s.get(F64, 8L * i); }
            case I64 -> { for (int i = 0; i < out.length; i++) out[i] = s.get(I64, 8L * i); }
            case I32 -> { for (int i = 0; i < out.length; i++) out[i] = s.get(I32, 4L * i); }
            case I16 -> { for (int i = 0; i < out.length; i++) out[i] = s.get(I16, 2L * i); }
            case I8 -> { for (int i = 0; i < out.length; i++) out[i] = s.get(ValueLayout.JAVA_BYTE, i); }
            case U8, BOOL -> { for (int i = 0; i < out.length; i++) out[i] = s.get(ValueLayout.JAVA_BYTE, i) & 0xff; }
        }
        return new Tensor(out, e.intShape());
    }

    /**
     * F16/BF16 → fp32: bulk-copy a chunk of shorts, then a tight conversion loop. Much faster than
     * per-element segment reads, and the chunk keeps the temporary small.
     */
    private static void halves(MemorySegment s, float[] out, boolean bf16) {
        short[] h = new short[Math.min(out.length, 1 << 14)];
        for (int from = 0; from < out.length; from += h.length) {
            int len = Math.min(h.length, out.length - from);
            MemorySegment.copy(s, I16, 2L * from, h, 0, len);
            if (bf16) for (int i = 0; i < len; i++) out[from + i] = Float.intBitsToFloat(h[i] << 16);
            else for (int i = 0; i < len; i++) out[from + i] = Float.float16ToFloat(h[i]);
        }
    }

    /** Integer tensors (I64/I32/…) as longs, e.g. token ids; other dtypes are converted through fp32/fp64. */
    public long[] longs(String name) {
        Entry e = entry(name);
        long n = e.numel();
        if (n > Integer.MAX_VALUE - 16) throw new FormatException(path + ": tensor '" + name + "' has " + n + " elements, more than one array can hold");
        long[] out = new long[(int) n];
        MemorySegment s = data.asSlice(e.begin, e.end - e.begin);
        switch (e.dtype) {
            case I64 -> MemorySegment.copy(s, I64, 0, out, 0, out.length);
            case I32 -> { for (int i = 0; i < out.length; i++) out[i] = s.get(I32, 4L * i); }
            case F64 -> { for (int i = 0; i < out.length; i++) out[i] = (long) s.get(F64, 8L * i); }
            default -> { float[] f = tensor(name).data(); for (int i = 0; i < out.length; i++) out[i] = (long) f[i]; }
        }
        return out;
    }

    /** Reads a scalar F64 (e.g. a stored loss) at full precision. */
    public double scalarDouble(String name) {
        Entry e = entry(name);
        MemorySegment s = data.asSlice(e.begin, e.end - e.begin);
        return e.dtype == DType.F64 ? s.get(F64, 0) : tensor(name).data()[0];
    }

    @Override public void close() { arena.close(); }
}
