package dev.loupe.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.AtomicFiles;
import dev.loupe.util.LoupeException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a safetensors file atomically (temp file in the same directory, then rename): readers see the
 * old file or the complete new one, never a partial write, and a failed write leaves nothing behind. Tensors are
 * stored as F32, F16, BF16 (round-to-nearest-even) or, for token ids, I64/I32. Header padded with
 * spaces to a multiple of 8 bytes, as the reference writer does.
 */
public final class SafeTensorsWriter {
    private record Item(DType dtype, int[] shape, float[] f, long[] l) {}

    private final Map<String, Item> items = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafeTensorsWriter metadata(String key, String value) { metadata.put(key, value); return this; }

    public SafeTensorsWriter add(String name, Tensor t) { return add(name, t, DType.F32); }

    public SafeTensorsWriter add(String name, Tensor t, DType dtype) {
        if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16)
            throw new IllegalArgumentException("float tensors are written as F32, F16 or BF16, not " + dtype);
        put(name, new Item(dtype, t.shape(), t.data(), null));
        return this;
    }

    public SafeTensorsWriter addLongs(String name, long[] values, DType dtype, int... shape) {
        if (dtype != DType.I64 && dtype != DType.I32) throw new IllegalArgumentException("integer tensors are written as I64 or I32, not " + dtype);
        if (Tensor.numel(shape) != values.length) throw new IllegalArgumentException(name + ": shape does not match " + values.length + " values");
        if (dtype == DType.I32)
            for (long v : values)
                if (v != (int) v) throw new IllegalArgumentException(name + ": value " + v + " does not fit I32; write it as I64");
        put(name, new Item(dtype, shape.clone(), null, values));
        return this;
    }

    private void put(String name, Item item) {
        if (name.equals("__metadata__") || items.putIfAbsent(name, item) != null)
            throw new IllegalArgumentException("duplicate or reserved tensor name '" + name + "'");
    }

    public void write(Path path) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long off = 0;
        for (var e : items.entrySet()) {
            Item it = e.getValue();
            long bytes = Tensor.numel(it.shape) * it.dtype.size;
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", it.dtype.name());
            var sh = n.putArray("shape");
            for (int d : it.shape) sh.add(d);
            n.putArray("data_offsets").add(off).add(off + bytes);
            off += bytes;
        }
        byte[] hb;
        try {
            hb = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LoupeException("cannot encode safetensors header for " + path + ": " + e.getMessage(), e);
        }
        int pad = (int) ((8 - (hb.length % 8)) % 8);
        AtomicFiles.write(path, tmp -> {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(hb.length + pad);
                out.write(len.array());
                out.write(hb);
                for (int i = 0; i < pad; i++) out.write(' ');
                for (Item it : items.values()) writeData(out, it);
            }
        });
    }

    /** Encodes in 64 KiB chunks with bulk buffer puts: the per-element work is only the f16/bf16 rounding. */
    private static void writeData(OutputStream out, Item it) throws IOException {
        final int chunk = 1 << 14; // elements per chunk: ≤ 128 KiB for 8-byte types
        ByteBuffer bb = ByteBuffer.allocate(chunk * 8).order(ByteOrder.LITTLE_ENDIAN);
        short[] half = it.dtype == DType.F16 || it.dtype == DType.BF16 ? new short[chunk] : null;
        int n = it.f != null ? it.f.length : it.l.length;
        for (int from = 0; from < n; from += chunk) {
            int len = Math.min(chunk, n - from);
            bb.clear();
            switch (it.dtype) {
                case F32 -> bb.asFloatBuffer().put(it.f, from, len);
                case F16 -> { for (int i = 0; i < len; i++) half[i] = Float.floatToFloat16(it.f[from + i]); bb.asShortBuffer().put(half, 0, len); }
                case BF16 -> { for (int i = 0; i < len; i++) half[i] = floatToBf16(it.f[from + i]); bb.asShortBuffer().put(half, 0, len); }
                case I64 -> bb.asLongBuffer().put(it.l, from, len);
                case I32 -> { for (int i = 0; i < len; i++) bb.putInt(4 * i, (int) it.l[from + i]); } // range checked in addLongs
                default -> throw new IllegalStateException("unwritable dtype " + it.dtype);
            }
            out.write(bb.array(), 0, len * it.dtype.size);
        }
    }

    /** float32 → bfloat16 with round-to-nearest-even; NaN stays NaN. */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
