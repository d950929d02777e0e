package dev.loupe.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static dev.loupe.tensor.VectorGemmKernel.MR;
import static dev.loupe.tensor.VectorGemmKernel.NR;

/**
 * Pure-Java SGEMM on the Vector API: the "java-vector" backend. It must agree with {@link ScalarGemm}
 * (and with OpenBLAS) to within float rounding; {@code GemmParityTest} checks every path below.
 * This class and {@link VectorGemmKernel} are, with {@link VectorActivations}, the only core
 * classes that import {@code jdk.incubator.vector}; {@link Kernels} loads this one reflectively and
 * only when that module is present.
 *
 * <p><b>Blocking scheme</b> (GotoBLAS/BLIS, adapted; design and measurements in docs/kernels.md).
 * Both operands are packed into micro-panels ({@link VectorGemmKernel}: A as MR-row panels, B as
 * NR-column panels, each contiguous along k), so all four transpose combinations, any lda/ldb and
 * offsets run one MR × NR register kernel that keeps its tile of C in registers over a whole
 * k block and stores it once. Loops, outermost first:
 * <pre>
 *   column pass (≤ PACK_CAP floats of packed B)
 *     pc over K by kc ≤ KC_MAX       op(B)[pc:pc+kc, pass] packed      (shared by the threads, L3)
 *       row pass (≤ PACK_CAP of A)   op(A)[pass, pc:pc+kc] packed      (shared by the threads, L3)
 *         units: a row group × a column block of BLOCK_PANELS B panels, dealt from a counter
 *           ir over the group's A micro-panels       one kc × MR A panel stays in L1 while …
 *             jr over the block's B micro-panels     … the kc × BLOCK_PANELS·NR block streams from L2
 *               kernel: C tile = alpha · A panel · B panel             (beta' == 0, full tile)
 *                   or  scratch = alpha · A panel · B panel; C tile = scratch + beta' · C tile
 * </pre>
 * beta' is beta for the first k block and 1 after it, so k blocks add up in C. Edge tiles (m or n
 * not a multiple of the tile) are computed in full on zero-padded panels and only their valid part
 * written. beta == 0 never reads C (NaNs there do not propagate). With at most FEW_ROWS rows (e.g.
 * 64 tokens × a weight matrix) a non-transposed B is not packed: the kernel reads its full NR-wide
 * panels in place with row stride ldb (packing would cost about as much as the multiply); and the
 * k blocks are looped inside each unit, so a call is one pass.
 *
 * <p>Threads: the units of a pass are dealt from a shared counter, and each panel is packed by
 * whichever thread needs it first (the other waits for it if it is being packed), so nothing is
 * packed twice, packing is shared without a phase and a barrier of its own, both threads stay busy
 * to the end of the pass, and on a shared machine a thread whose core is busy with another process
 * simply takes fewer units. Units write disjoint tiles of C.
 *
 * <p>Thin shapes (m or n below 4, e.g. one token times a weight matrix) skip packing: they are
 * memory-bound matrix-vector products, done as fused "axpy" sweeps over contiguous rows or as dot
 * products, split over the output.
 */
public final class VectorGemm implements Gemm {
    private static final VectorSpecies<Float> S = VectorGemmKernel.S;
    private static final int VL = VectorGemmKernel.VL;
    private static final int KC_MAX = 512;          // a kc × MR A panel (≤ 24 KB) stays in L1 next to the streaming B (768: 2–5% slower)
    private static final int BLOCK_PANELS = 8;      // B panels per column block: kc × 8·NR floats (≤ 512 KB) stay in L2
    private static final int GROUP_TILES = 8;       // A panels per row group (one unit = group × block)
    private static final int PACK_CAP = 1 << 21;    // floats of packed A, and of packed B, per pass (8 MB each)
    private static final int UNITS_PER_THREAD = 4;  // smaller units than that when a shape has few of them
    private static final int FEW_ROWS = 8 * MR;     // up to this many rows: B read in place if not transposed, one pass
    private static final int THIN = 4;              // m or n below this takes the matrix-vector path
    private static final long PARALLEL_MIN = 1L << 20;  // multiply-adds below which one thread is faster
    private static final int AXPY_BLOCK = 1024;     // output columns accumulated in L1 by the axpy sweep

    /** Per-thread scratch: packed A and B (shared with the workers of this thread's call), an edge tile, matrix-vector buffers. */
    private static final class Buffers {
        float[] ap = new float[0], bp = new float[0], x = new float[0];
        final float[] tile = new float[MR * NR];
        final float[] acc = new float[AXPY_BLOCK];

        static float[] grow(float[] buf, int size) {
            return buf.length >= size ? buf : new float[size];
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    @Override public String name() { return "java-vector"; }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda,
                      float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Gemm.checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f) {
            ScalarGemm.scale(beta, c, cOff, ldc, m, n);
            return;
        }
        if (m < THIN) {
            // each row of C is x · op(B) with x = row i of op(A)
            for (int i = 0; i < m; i++) {
                float[] x = gather(a, transA ? aOff + i : aOff + i * lda, transA ? lda : 1, k);
                gemv(x, k, !transB, b, bOff, ldb, n, alpha, beta, c, cOff + i * ldc, 1);
            }
            return;
        }
        if (n < THIN) {
            // each column of C is op(A) · x with x = column j of op(B): Cᵀ = op(B)ᵀ · op(A)ᵀ
            for (int j = 0; j < n; j++) {
                float[] x = gather(b, transB ? bOff + j * ldb : bOff + j, transB ? 1 : ldb, k);
                gemv(x, k, transA, a, aOff, lda, m, alpha, beta, c, cOff + j, ldc);
            }
            return;
        }
        int threads = (long) m * n * k < PARALLEL_MIN || Parallel.insideParallel() ? 1 : Kernels.threads();
        blocked(threads, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    // ---------------------------------------------------------------- blocked path

    private static int ceilDiv(int x, int y) { return (x + y - 1) / y; }

    /** Splits {@code count} items into passes of at most {@code cap}, as even as possible; returns the pass size. */
    private static int passSize(int count, int cap) {
        int cappedAtOne = Math.max(1, cap);
        return ceilDiv(count, ceilDiv(count, cappedAtOne));
    }

    /** C = alpha · op(A) · op(B) + beta · C on {@code threads} threads (see the class comment for the loops). */
    private static void blocked(int threads, boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        int kc = ceilDiv(k, ceilDiv(k, KC_MAX));  // even k blocks: 768 → 2 × 384 rather than 512 + 256
        boolean fewRows = m <= FEW_ROWS, directB = fewRows && !transB;  // directB: only a ragged last panel is packed
        // With few rows, A is small and C is too: one pass over all of k, its k blocks looped inside
        // each unit, so the threads meet once per call rather than once per k block.
        int kPass = fewRows ? k : kc;
        int rowTiles = ceilDiv(m, MR), panels = ceilDiv(n, NR);
        int passTiles = passSize(rowTiles, PACK_CAP / (kPass * MR)), passPanels = passSize(panels, PACK_CAP / (kPass * NR));
        Buffers own = BUFFERS.get();
        float[] ap = own.ap = Buffers.grow(own.ap, passTiles * MR * kPass);
        float[] bp = own.bp = Buffers.grow(own.bp, (directB ? 1 : passPanels) * NR * kPass);
        var mats = new Operands(transA, transB, m, n, kc, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, ap, bp, directB);
        for (int q0 = 0; q0 < panels; q0 += passPanels) {
            for (int k0 = 0; k0 < k; k0 += kPass) {
                for (int t0 = 0; t0 < rowTiles; t0 += passTiles) {
                    new Pass(mats, k0, Math.min(k, k0 + kPass), t0, Math.min(rowTiles, t0 + passTiles),
                            q0, Math.min(panels, q0 + passPanels), t0 == 0, alpha, beta, threads).run();
                }
            }
        }
    }

    /**
     * The call's matrices as BLAS describes them, its k block kc, and its packing buffers;
     * {@code directB}: full B panels are read in place (non-transposed B, few rows).
     */
    private record Operands(boolean transA, boolean transB, int m, int n, int kc, float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                            float[] ap, float[] bp, boolean directB) {}

    /**
     * The k range [k0, k1) (one k block, or all of k with few rows) of one row pass × column pass:
     * the C tiles of A tiles [t0, t1) × B panels [q0, q1). Panels are packed on first use by
     * whichever thread needs them first (B only when {@code packB}: in the first row pass), so
     * packing is shared without a separate phase and a barrier after it; a thread that needs a
     * panel another thread is packing waits for it.
     */
    private static final class Pass {
        private static final int TODO = 0, BUSY = 1, DONE = 2;
        private static final int SPINS_BEFORE_YIELD = 1 << 12;
        private final Operands o;
        private final int k0, k1, t0, t1, q0, q1, bItems, threads;
        private final float alpha, beta;
        private final AtomicIntegerArray state;  // per packing item: B panels first, then A tiles

        Pass(Operands o, int k0, int k1, int t0, int t1, int q0, int q1, boolean packB, float alpha, float beta, int threads) {
            this.o = o;
            this.k0 = k0;
            this.k1 = k1;
            this.t0 = t0;
            this.t1 = t1;
            this.q0 = q0;
            this.q1 = q1;
            this.bItems = packB ? q1 - q0 : 0;
            this.alpha = alpha;
            this.beta = beta;
            this.threads = threads;
            this.state = new AtomicIntegerArray(bItems + t1 - t0);
        }

        void run() {
            int groupTiles = Math.min(GROUP_TILES, t1 - t0), blockPanels = Math.min(BLOCK_PANELS, q1 - q0);
            // Few units (small m or n): smaller ones, so that every thread gets several.
            while (threads > 1 && units(groupTiles, blockPanels) < UNITS_PER_THREAD * threads && groupTiles * blockPanels > 1) {
                if (blockPanels >= groupTiles) blockPanels = ceilDiv(blockPanels, 2);
                else groupTiles = ceilDiv(groupTiles, 2);
            }
            int gt = groupTiles, bpn = blockPanels, units = units(gt, bpn);
            if (threads == 1) {
                for (int u = 0; u < units; u++) compute(u, gt, bpn, BUFFERS.get().tile);
                return;
            }
            AtomicInteger next = new AtomicInteger();
            Parallel.forRange(threads, (from, to) -> {
                float[] tile = BUFFERS.get().tile;
                for (int u = next.getAndIncrement(); u < units; u = next.getAndIncrement()) compute(u, gt, bpn, tile);
            });
        }

        private int units(int groupTiles, int blockPanels) {
            return ceilDiv(t1 - t0, groupTiles) * ceilDiv(q1 - q0, blockPanels);
        }

        /**
         * Makes packing items [from, to) ready: packs those no thread has started, then waits for
         * those another thread is still packing (claiming first, so two threads split a block's
         * panels). The wait yields after a while: on a loaded machine the packer may be descheduled.
         */
        private void ensurePacked(int from, int to) {
            for (int i = from; i < to; i++) {
                if (state.get(i) != TODO || !state.compareAndSet(i, TODO, BUSY)) continue;
                try {
                    pack(i);
                } finally {
                    state.set(i, DONE);  // publishes the packed values (volatile write); never leaves a waiter stuck
                }
            }
            for (int i = from; i < to; i++) {
                for (int spins = 0; state.get(i) != DONE; spins++) {
                    if (spins < SPINS_BEFORE_YIELD) Thread.onSpinWait();
                    else Thread.yield();
                }
            }
        }

        /** Packing item i: B panel q0 + i for i below bItems, else A tile t0 + i − bItems. */
        private void pack(int i) {
            if (i < bItems) {
                int q = q0 + i, cols = Math.min(NR, o.n() - q * NR);
                if (o.directB() && cols == NR) return;  // read in place by the kernel
                VectorGemmKernel.packB(o.transB(), o.b(), o.bOff(), o.ldb(), q * NR, cols, k0, k1 - k0, o.bp(), packedB(q));
            } else {
                int t = t0 + i - bItems;
                VectorGemmKernel.packA(o.transA(), o.a(), o.aOff(), o.lda(), t * MR, Math.min(MR, o.m() - t * MR), k0, k1 - k0,
                        o.ap(), (t - t0) * MR * (k1 - k0));
            }
        }

        /** Where B panel q is packed (with directB only the ragged last panel is, at the start). */
        private int packedB(int q) { return o.directB() ? 0 : (q - q0) * NR * (k1 - k0); }

        /**
         * Unit u: the C tiles of row group u % groups × column block u / groups (units of one column
         * block are consecutive, so the threads share its B panels while they are in cache).
         */
        private void compute(int u, int groupTiles, int blockPanels, float[] tile) {
            int groups = ceilDiv(t1 - t0, groupTiles);
            int ta = t0 + u % groups * groupTiles, tb = Math.min(t1, ta + groupTiles);
            int qa = q0 + u / groups * blockPanels, qb = Math.min(q1, qa + blockPanels);
            ensurePacked(qa - q0, Math.min(bItems, qb - q0));
            ensurePacked(bItems + ta - t0, bItems + tb - t0);
            for (int pc = k0; pc < k1; pc += o.kc()) {  // a panel's k block is a contiguous slice of it
                int kc = Math.min(o.kc(), k1 - pc);
                float betaK = pc == 0 ? beta : 1f;  // later k blocks add onto the first
                for (int t = ta; t < tb; t++) {
                    int row0 = t * MR, mr = Math.min(MR, o.m() - row0), ai = (t - t0) * MR * (k1 - k0) + (pc - k0) * MR;
                    for (int q = qa; q < qb; q++) {
                        int col0 = q * NR, nr = Math.min(NR, o.n() - col0), ci = o.cOff() + row0 * o.ldc() + col0;
                        boolean inPlace = o.directB() && nr == NR;
                        float[] bs = inPlace ? o.b() : o.bp();
                        int bi = inPlace ? o.bOff() + pc * o.ldb() + col0 : packedB(q) + (pc - k0) * NR;
                        int bStride = inPlace ? o.ldb() : NR;
                        if (mr == MR && nr == NR && betaK == 0f) {
                            VectorGemmKernel.kernel(kc, o.ap(), ai, bs, bi, bStride, o.c(), ci, o.ldc(), alpha);
                        } else {
                            VectorGemmKernel.kernel(kc, o.ap(), ai, bs, bi, bStride, tile, 0, NR, alpha);
                            addTile(tile, mr, nr, o.c(), ci, o.ldc(), betaK);
                        }
                    }
                }
            }
        }
    }

    /** C[0:mr, 0:nr] = tile[0:mr, 0:nr] + beta · C (beta == 0: C is not read); tile row stride NR. */
    private static void addTile(float[] tile, int mr, int nr, float[] c, int cOff, int ldc, float beta) {
        int nv = nr == NR ? NR : 0;  // full rows go by vectors
        for (int r = 0; r < mr; r++) {
            int row = cOff + r * ldc, t = r * NR;
            for (int j = 0; j < nv; j += VL) {
                FloatVector v = FloatVector.fromArray(S, tile, t + j);
                if (beta != 0f) v = FloatVector.fromArray(S, c, row + j).mul(beta).add(v);
                v.intoArray(c, row + j);
            }
            for (int j = nv; j < nr; j++) c[row + j] = beta == 0f ? tile[t + j] : tile[t + j] + beta * c[row + j];
        }
    }

    // ---------------------------------------------------------------- thin (matrix-vector) path

    /** x[0:k] = src[off + p*inc] in this thread's scratch (contiguous source is returned as a copy too). */
    private static float[] gather(float[] src, int off, int inc, int k) {
        Buffers buf = BUFFERS.get();
        if (buf.x.length < k) buf.x = new float[k];
        float[] x = buf.x;
        for (int p = 0; p < k; p++) x[p] = src[off + p * inc];
        return x;
    }

    /**
     * y[j·incy] = alpha · Σ_p x[p] · M(p, j) + beta · y[j·incy] for j in [0, nOut).
     * {@code rowsAreK}: M is stored [k, nOut] (M(p, j) = mat[off + p*ld + j], an axpy sweep over rows);
     * otherwise M is stored [nOut, k] (M(p, j) = mat[off + j*ld + p], one dot product per output).
     */
    private static void gemv(float[] x, int k, boolean rowsAreK, float[] mat, int off, int ld, int nOut,
                             float alpha, float beta, float[] y, int yOff, int incy) {
        Parallel.IntRangeBody body = rowsAreK
                ? (j0, j1) -> axpySweep(x, k, mat, off, ld, j0, j1, alpha, beta, y, yOff, incy)
                : (j0, j1) -> dots(x, k, mat, off, ld, j0, j1, alpha, beta, y, yOff, incy);
        if ((long) k * nOut < PARALLEL_MIN / 4) body.run(0, nOut);
        else Parallel.forRange(nOut, rowsAreK ? VL : 4, body);
    }

    private static void axpySweep(float[] x, int k, float[] mat, int off, int ld, int j0, int j1,
                                  float alpha, float beta, float[] y, int yOff, int incy) {
        float[] acc = BUFFERS.get().acc;
        for (int jb = j0; jb < j1; jb += AXPY_BLOCK) {
            int w = Math.min(AXPY_BLOCK, j1 - jb);
            int wv = w - w % VL;
            java.util.Arrays.fill(acc, 0, w, 0f);
            int p = 0;
            for (; p + 4 <= k; p += 4) {  // four rows per pass: one load/store of acc per 4 FMAs
                int r0 = off + p * ld + jb, r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld;
                FloatVector x0 = FloatVector.broadcast(S, x[p]), x1 = FloatVector.broadcast(S, x[p + 1]);
                FloatVector x2 = FloatVector.broadcast(S, x[p + 2]), x3 = FloatVector.broadcast(S, x[p + 3]);
                for (int j = 0; j < wv; j += VL) {
                    FloatVector s = FloatVector.fromArray(S, acc, j);
                    s = FloatVector.fromArray(S, mat, r0 + j).fma(x0, s);
                    s = FloatVector.fromArray(S, mat, r1 + j).fma(x1, s);
                    s = FloatVector.fromArray(S, mat, r2 + j).fma(x2, s);
                    s = FloatVector.fromArray(S, mat, r3 + j).fma(x3, s);
                    s.intoArray(acc, j);
                }
                for (int j = wv; j < w; j++) {
                    acc[j] += x[p] * mat[r0 + j] + x[p + 1] * mat[r1 + j] + x[p + 2] * mat[r2 + j] + x[p + 3] * mat[r3 + j];
                }
            }
            for (; p < k; p++) {
                int r0 = off + p * ld + jb;
                FloatVector x0 = FloatVector.broadcast(S, x[p]);
                for (int j = 0; j < wv; j += VL) {
                    FloatVector.fromArray(S, mat, r0 + j).fma(x0, FloatVector.fromArray(S, acc, j)).intoArray(acc, j);
                }
                for (int j = wv; j < w; j++) acc[j] += x[p] * mat[r0 + j];
            }
            for (int j = 0; j < w; j++) {
                int yi = yOff + (jb + j) * incy;
                float v = alpha * acc[j];
                y[yi] = beta == 0f ? v : v + beta * y[yi];
            }
        }
    }

    private static void dots(float[] x, int k, float[] mat, int off, int ld, int j0, int j1,
                             float alpha, float beta, float[] y, int yOff, int incy) {
        int kv = k - k % VL;
        int j = j0;
        for (; j + 4 <= j1; j += 4) {  // four outputs per pass share each load of x
            int r0 = off + j * ld, r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld;
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int p = 0; p < kv; p += VL) {
                FloatVector xv = FloatVector.fromArray(S, x, p);
                s0 = FloatVector.fromArray(S, mat, r0 + p).fma(xv, s0);
                s1 = FloatVector.fromArray(S, mat, r1 + p).fma(xv, s1);
                s2 = FloatVector.fromArray(S, mat, r2 + p).fma(xv, s2);
                s3 = FloatVector.fromArray(S, mat, r3 + p).fma(xv, s3);
            }
            float d0 = s0.reduceLanes(VectorOperators.ADD), d1 = s1.reduceLanes(VectorOperators.ADD);
            float d2 = s2.reduceLanes(VectorOperators.ADD), d3 = s3.reduceLanes(VectorOperators.ADD);
            for (int p = kv; p < k; p++) {
                d0 += x[p] * mat[r0 + p]; d1 += x[p] * mat[r1 + p];
                d2 += x[p] * mat[r2 + p]; d3 += x[p] * mat[r3 + p];
            }
            store(y, yOff + j * incy, incy, alpha, beta, d0, d1, d2, d3);
        }
        for (; j < j1; j++) {
            int r0 = off + j * ld;
            FloatVector s0 = FloatVector.zero(S);
            for (int p = 0; p < kv; p += VL) s0 = FloatVector.fromArray(S, mat, r0 + p).fma(FloatVector.fromArray(S, x, p), s0);
            float d = s0.reduceLanes(VectorOperators.ADD);
            for (int p = kv; p < k; p++) d += x[p] * mat[r0 + p];
            int yi = yOff + j * incy;
            y[yi] = beta == 0f ? alpha * d : alpha * d + beta * y[yi];
        }
    }

    private static void store(float[] y, int yi, int incy, float alpha, float beta, float... d) {
        for (float v : d) {
            y[yi] = beta == 0f ? alpha * v : alpha * v + beta * y[yi];
            yi += incy;
        }
    }
}
