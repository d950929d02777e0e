package dev.loupe.tensor;

import java.util.Arrays;

/**
 * A dense fp32 tensor: a shape and row-major storage in a heap {@code float[]}.
 *
 * <p>Not a view type: a tensor owns its whole array ({@code data.length == numel()}). Weights stored
 * as f16/bf16 are converted to fp32 when loaded. Shapes are small int arrays; the last dimension is
 * contiguous.
 */
public final class Tensor {
    private final int[] shape;
    private final float[] data;

    public Tensor(float[] data, int... shape) {
        long n = numel(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
                    + " elements but the array has " + data.length);
        }
        this.shape = shape.clone();
        this.data = data;
    }

    public static Tensor zeros(int... shape) {
        long n = numel(shape);
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(shape) + " is too large for one array");
        }
        return new Tensor(new float[(int) n], shape);
    }

    public static long numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= d;
        }
        return n;
    }

    public float[] data() { return data; }
    public int[] shape() { return shape.clone(); }
    public int rank() { return shape.length; }
    public int dim(int i) { return shape[i < 0 ? shape.length + i : i]; }
    public int numel() { return data.length; }

    /** Same storage, new shape with the same element count. */
    public Tensor reshape(int... newShape) { return new Tensor(data, newShape); }

    public Tensor copy() { return new Tensor(data.clone(), shape); }

    public float get(int... idx) { return data[offset(idx)]; }
    public void set(float v, int... idx) { data[offset(idx)] = v; }

    private int offset(int[] idx) {
        if (idx.length != shape.length) throw new IllegalArgumentException("index rank " + idx.length + " != tensor rank " + shape.length);
        int off = 0;
        for (int i = 0; i < shape.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i]) throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " outside " + Arrays.toString(shape));
            off = off * shape[i] + idx[i];
        }
        return off;
    }

    /** Rows [from, to) of the first dimension, copied. */
    public Tensor rows(int from, int to) {
        int rowSize = shape.length == 0 ? 1 : data.length / Math.max(1, shape[0]);
        int[] s = shape.clone();
        s[0] = to - from;
        return new Tensor(Arrays.copyOfRange(data, from * rowSize, to * rowSize), s);
    }

    @Override public String toString() { return "Tensor" + Arrays.toString(shape); }
}
