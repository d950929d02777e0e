// The firing features of one row of codes: the indices i in [0, n) with codes[off + i] > 0, in
// increasing order (NaN, zero and negative codes do not fire). The streaming statistics call this
// once per row and feature block and then touch only the firing entries; at a density of about 1%
// the dense test dominates unless it is vectorised, so VectorFiringIndex (Vector API) is used when
// jdk.incubator.vector is present, and the scalar version otherwise. Both give identical results.
package dev.loupe.features;

interface FiringIndex {
    /** Writes the firing indices into out (length >= n) and returns their number. */
    int find(float[] codes, int off, int n, int[] out);

    FiringIndex BEST = choose();

    private static FiringIndex choose() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                return (FiringIndex) Class.forName("dev.loupe.features.VectorFiringIndex").getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                // fall through to the scalar version: same indices, only slower
            }
        }
        return new Scalar();
    }

    final class Scalar implements FiringIndex {
        @Override public int find(float[] codes, int off, int n, int[] out) {
            int m = 0;
            for (int i = 0; i < n; i++) {           // no branch per code: the store is undone by not advancing m
                out[m] = i;
                m += codes[off + i] > 0 ? 1 : 0;
            }
            return m;
        }
    }
}
