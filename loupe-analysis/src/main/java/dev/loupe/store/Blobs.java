// Little-endian BLOB codecs for the feature store's vector columns (float32 activations and bin
// edges, int32 token ids, int64 histogram counts). Not a general serialisation layer: a BLOB is a
// bare array with no header, its length implied by the BLOB size (documented in V001.sql).
// Example activations (V004.sql) are dense float32 [n] or, when shorter, sparse: (uint16 position,
// float32 value) pairs of the non-zero entries; the two are told apart by length alone, since the
// writer picks sparse only when 6 * nonZero < 4 * n.
package dev.loupe.store;

import dev.loupe.util.FormatException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

final class Blobs {
    private Blobs() {}

    static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    static byte[] ints(int[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        return b.array();
    }

    static byte[] longs(long[] v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(v);
        return b.array();
    }

    static float[] toFloats(byte[] blob, String column) {
        check(blob, 4, column);
        float[] v = new float[blob.length / 4];
        ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    static int[] toInts(byte[] blob, String column) {
        check(blob, 4, column);
        int[] v = new int[blob.length / 4];
        ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
        return v;
    }

    static long[] toLongs(byte[] blob, String column) {
        check(blob, 8, column);
        long[] v = new long[blob.length / 8];
        ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
        return v;
    }

    private static void check(byte[] blob, int width, String column) {
        if (blob == null || blob.length % width != 0)
            throw new FormatException("feature store column " + column + " holds a BLOB of "
                    + (blob == null ? "null" : blob.length + " bytes") + ", not a multiple of " + width
                    + "; the store is damaged, re-run the analysis that wrote it");
    }

    /** Activations of an n-token window: sparse when that is shorter than dense (see the file comment). */
    static byte[] activations(float[] acts) {
        int nonZero = 0;
        for (float a : acts) if (a != 0) nonZero++;
        if (6L * nonZero >= 4L * acts.length || acts.length > 65_536) return floats(acts);
        ByteBuffer b = ByteBuffer.allocate(6 * nonZero).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < acts.length; i++) if (acts[i] != 0) b.putShort((short) i).putFloat(acts[i]);
        return b.array();
    }

    static float[] toActivations(byte[] blob, int n, String column) {
        if (blob != null && blob.length == 4L * n) return toFloats(blob, column);
        if (blob == null || blob.length % 6 != 0 || blob.length > 4L * n)
            throw new FormatException("feature store column " + column + " holds a BLOB of " + (blob == null ? "null" : blob.length + " bytes")
                    + " for " + n + " tokens (dense needs " + 4L * n + ", sparse a multiple of 6 below that); the store is damaged, re-run the analysis that wrote it");
        float[] v = new float[n];
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            int i = Short.toUnsignedInt(b.getShort());
            if (i >= n) throw new FormatException("feature store column " + column + " has position " + i + " in a window of " + n
                    + " tokens; the store is damaged, re-run the analysis that wrote it");
            v[i] = b.getFloat();
        }
        return v;
    }
}
