// Little-endian BLOB codecs for the feature store's vector columns (float32 activations and bin
// edges, int32 token ids, int64 histogram counts). Not a general serialisation layer: a BLOB is a
// bare array with no header, its length implied by the BLOB size (documented in V001.sql).
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
}
