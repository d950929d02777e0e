package dev.loupe.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pure-Java SGEMM on the Vector API: the "java-vector" backend. It must agree with {@link ScalarGemm}
 * (and with OpenBLAS) to within float rounding; {@code GemmParityTest} checks every path below.
 * This is one of only two classes allowed to import {@code jdk.incubator.vector}; {@link Kernels}
 * loads it reflectively and only when that module is present.
 *
 * <p><b>Blocking scheme</b> (GotoBLAS/BLIS, adapted). With VL the lanes of the preferred species
 * (16 floats for AVX-512), the register tile is MR = 12 rows × NR = 2·VL columns: 24 accumulator
 * vectors plus 2 B vectors and the broadcasts fit the 32 vector registers, and each k-step does
 * 12 broadcast loads (folded into {@code vbroadcastss m32}), 2 vector loads and 24 FMAs.
 * Loops, outermost first:
 * <pre>
 *   jc over N by nc        pack op(B)[:, jc:jc+nc] (all of K) into K×NR micro-panels   (L3)
 *     ic over M by mc      pack op(A)[ic:ic+mc, :] (all of K) into MR×K micro-panels   (L2)
 *       jr over nc by NR   zero an mc×NR strip of C accumulators                       (L1)
 *         pc over K by KC  the KC×NR slice of one B micro-panel stays in L1 while …
 *           ir over mc by MR   … each A micro-panel slice streams past it: the microkernel adds
 *                              KC rank-1 updates into its MR×NR tile of the strip
 *       (then the strip is written to C once: C = alpha·strip + beta·C)
 * </pre>
 * nc and mc shrink as K grows so the packed blocks stay within B_BLOCK / A_BLOCK floats. Keeping
 * the C strip in L1 across the whole K loop means C is written once (and read once if beta ≠ 0)
 * instead of once per K block, which on this machine was worth more than any tile-shape change.
 * Packing is where the transposes go away: the microkernel only ever sees "A panel: MR values per
 * k-step, B panel: NR values per k-step", zero-padded at the matrix edges, so all four
 * transA/transB combinations and any lda/ldb/offsets share one kernel (a transposed B is packed
 * with vector gathers, one lane per stored row); edge tiles are computed in
 * full and only their valid part written. beta == 0 never reads C (NaNs there do not propagate).
 * With at most DIRECT_B_ROWS rows (e.g. 64 tokens × a weight matrix) a non-transposed B is not
 * packed at all: packing would cost about as much as the multiply, so the kernel reads its NR-wide
 * panels in place with row stride ldb.
 *
 * <p>Threads: with enough rows (at least UNITS_PER_THREAD row tiles per thread) the threads pack each
 * column block of B together into one shared buffer, then pull row units of C from a counter (see
 * {@link #sharedB}): nothing is packed twice, and on a shared machine a thread whose core is busy
 * with another process does fewer units instead of holding the others up at the end. With fewer
 * rows the columns are split in tile-aligned chunks and each thread runs the blocked algorithm on
 * its own, packing the small A itself.
 *
 * <p>Thin shapes (m or n below 4, e.g. one token times a weight matrix) skip packing: they are
 * memory-bound matrix-vector products, done as fused "axpy" sweeps over contiguous rows or as dot
 * products, split over the output.
 */
public final class VectorGemm implements Gemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    static final int MR = 12;
    static final int NR = 2 * VL;
    private static final int KC = 192;             // KC×NR of B (24 KB) + the MC×NR C strip (18 KB) fit L1
    private static final int MC = 144;             // rows per A block, a multiple of MR
    private static final int NC = NR * 48;         // columns per B block at most
    private static final int A_BLOCK = 1 << 17;  // floats of packed A (L2)
    private static final int B_BLOCK = 1 << 20;  // floats of packed B (L3)
    private static final int SHARED_B_BLOCK = 1 << 21;  // floats of the B block the threads pack together
    private static final int UNITS_PER_THREAD = 4;  // row units per thread at least, for the shared-B split
    private static final int DIRECT_B_ROWS = 8 * MR;  // up to this many rows, B is read in place
    private static final int THIN = 4;              // m or n below this takes the matrix-vector path
    private static final long PARALLEL_MIN = 1L << 20;  // multiply-adds below which one thread is faster
    private static final int AXPY_BLOCK = 1024;     // output columns accumulated in L1 by the axpy sweep

    /** Per-thread scratch: packed A and B blocks, the C strip accumulator, matrix-vector buffers. */
    private static final class Buffers {
        float[] ap = new float[0], bp = new float[0], strip = new float[0], x = new float[0];
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
        int rowTiles = (m + MR - 1) / MR, threads = Kernels.threads();
        if ((long) m * n * k < PARALLEL_MIN || threads == 1 || Parallel.insideParallel()) {
            blocked(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else if (rowTiles >= UNITS_PER_THREAD * threads) {
            sharedB(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            // Too few rows to deal out: split the columns; each thread packs the (small) A itself.
            Parallel.forRange(n, NR, (j0, j1) ->
                    blocked(transA, transB, 0, m, j0, j1, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
        }
    }

    // ---------------------------------------------------------------- blocked path

    /** Rows of packed A per block: the mcMax × K block stays within A_BLOCK floats (L2), at least one micro-panel. */
    private static int mcMax(int k) { return Math.max(MR, Math.min(MC, A_BLOCK / k / MR * MR)); }

    /** C[i0:i1, j0:j1] = alpha · op(A)[i0:i1, :] · op(B)[:, j0:j1] + beta · C[i0:i1, j0:j1], on this thread. */
    private static void blocked(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k,
                                float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        Buffers buf = BUFFERS.get();
        // The packed K × nc block of B is bounded by B_BLOCK floats (but at least one micro-panel).
        int ncMax = Math.max(NR, Math.min(NC, B_BLOCK / k / NR * NR)), mcMax = mcMax(k);
        float[] bp = buf.bp = Buffers.grow(buf.bp, k * ncMax);
        // With few rows, packing B would cost about as much as using it: the kernel then reads full
        // NR-wide panels of a non-transposed B in place (row stride ldb); only a ragged last panel is packed.
        boolean directB = !transB && i1 - i0 <= DIRECT_B_ROWS;
        for (int jc = j0; jc < j1; jc += ncMax) {
            int nc = Math.min(ncMax, j1 - jc), ncPad = (nc + NR - 1) / NR * NR;
            int packFrom = directB ? nc / NR * NR : 0;
            for (int pc = 0; pc < k && packFrom < nc; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(transB, b, bOff, ldb, pc, kc, jc + packFrom, nc - packFrom, bp, pc * ncPad + packFrom * kc);
            }
            var panel = new BPanel(bp, ncPad, packFrom, b, bOff + jc, ldb);
            for (int ic = i0; ic < i1; ic += mcMax) {
                int mc = Math.min(mcMax, i1 - ic);
                macroKernel(transA, a, aOff, lda, ic, mc, k, panel, nc, alpha, beta, c, cOff + ic * ldc + jc, ldc, buf);
            }
        }
    }

    /**
     * The parallel path for enough rows: C is cut into column blocks of at most SHARED_B_BLOCK / K
     * columns. For each, the threads first pack that block of B together (each a range of panels),
     * then take row units of C (about mcMax rows) from a shared counter until none is left, each
     * packing its own rows of A. So B is packed once rather than once per thread, A once per column
     * block, and a thread slowed down by another process on its core simply takes fewer units.
     */
    private static void sharedB(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        int threads = Kernels.threads(), mcMax = mcMax(k);
        int rowTiles = (m + MR - 1) / MR;
        int units = Math.min(rowTiles, Math.max((rowTiles + mcMax / MR - 1) / (mcMax / MR), UNITS_PER_THREAD * threads));
        int panels = (n + NR - 1) / NR;
        int blocks = (int) Math.min(panels, ((long) k * panels * NR + SHARED_B_BLOCK - 1) / SHARED_B_BLOCK);
        int ncBlock = (panels + blocks - 1) / blocks * NR;
        Buffers caller = BUFFERS.get();
        float[] bp = caller.bp = Buffers.grow(caller.bp, k * ncBlock);
        for (int jc = 0; jc < n; jc += ncBlock) {
            int nc = Math.min(ncBlock, n - jc), ncPad = (nc + NR - 1) / NR * NR, j = jc;
            Parallel.forRange(ncPad / NR, (p0, p1) -> {
                int from = p0 * NR, to = Math.min(nc, p1 * NR);
                for (int pc = 0; pc < k; pc += KC) {
                    int kc = Math.min(KC, k - pc);
                    packB(transB, b, bOff, ldb, pc, kc, j + from, to - from, bp, pc * ncPad + from * kc);
                }
            });
            var panel = new BPanel(bp, ncPad, 0, b, bOff + jc, ldb);
            AtomicInteger next = new AtomicInteger();
            Parallel.forRange(threads, (t0, t1) -> {
                Buffers own = BUFFERS.get();
                for (int u = next.getAndIncrement(); u < units; u = next.getAndIncrement()) {
                    int i0 = (int) ((long) rowTiles * u / units) * MR, i1 = Math.min(m, (int) ((long) rowTiles * (u + 1) / units) * MR);
                    for (int ic = i0; ic < i1; ic += mcMax) {
                        int mc = Math.min(mcMax, i1 - ic);
                        macroKernel(transA, a, aOff, lda, ic, mc, k, panel, nc, alpha, beta, c, cOff + ic * ldc + j, ldc, own);
                    }
                }
            });
        }
    }

    /**
     * A block of op(B) as the macro-kernel reads it: columns below {@code inPlaceTo} straight from B
     * (non-transposed, row stride ldb, starting at {@code bStart}), the rest from {@code packed}
     * (K × ncPad, KC-deep slabs of NR-wide panels).
     */
    private record BPanel(float[] packed, int ncPad, int inPlaceTo, float[] b, int bStart, int ldb) {}

    /**
     * C[ic:ic+mc, block] = alpha · op(A)[ic:ic+mc, :] · B block + beta · C: packs those rows of A,
     * then for each NR-wide strip accumulates the mc × NR strip of C in L1 over all of K and writes it
     * to C once ({@code cAt} is C's element at row ic, the block's first column).
     */
    private static void macroKernel(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int k,
                                    BPanel bl, int nc, float alpha, float beta, float[] c, int cAt, int ldc, Buffers buf) {
        int mcPad = (mc + MR - 1) / MR * MR;
        float[] ap = buf.ap = Buffers.grow(buf.ap, k * mcPad);
        float[] strip = buf.strip = Buffers.grow(buf.strip, mcPad * NR);
        for (int pc = 0; pc < k; pc += KC) {
            packA(transA, a, aOff, lda, ic, mc, pc, Math.min(KC, k - pc), ap, pc * mcPad);
        }
        for (int jr = 0; jr < nc; jr += NR) {
            java.util.Arrays.fill(strip, 0, mcPad * NR, 0f);
            boolean inPlace = jr < bl.inPlaceTo();
            float[] bSrc = inPlace ? bl.b() : bl.packed();
            int bStride = inPlace ? bl.ldb() : NR;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                int bPanel = inPlace ? bl.bStart() + pc * bl.ldb() + jr : pc * bl.ncPad() + jr * kc;
                for (int ir = 0; ir < mc; ir += MR) {
                    kernel(kc, ap, pc * mcPad + ir * kc, bSrc, bPanel, bStride, strip, ir * NR);
                }
            }
            writeStrip(strip, mc, Math.min(NR, nc - jr), c, cAt + jr, ldc, alpha, beta);
        }
    }

    /** Packs op(A)[ic:ic+mc, pc:pc+kc] as MR-row micro-panels: panel r holds, per k-step, MR values. */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc,
                              float[] ap, int apOff) {
        int mcPad = (mc + MR - 1) / MR * MR;
        if (transA) {  // A stored [k, m]: op(A)[i][p] = a[p*lda + i]; read each stored row segment once
            for (int p = 0; p < kc; p++) {
                int src = aOff + (pc + p) * lda + ic, d = apOff + p * MR;
                for (int ir = 0; ir < mcPad; ir += MR, d += MR * kc) {
                    int mr = Math.min(MR, mc - ir);
                    for (int r = 0; r < mr; r++) ap[d + r] = a[src + ir + r];
                    for (int r = mr; r < MR; r++) ap[d + r] = 0f;
                }
            }
            return;
        }
        for (int ir = 0; ir < mc; ir += MR) {  // A stored [m, k]: MR sequential row streams, contiguous writes
            int mr = Math.min(MR, mc - ir);
            int dst = apOff + ir * kc, src = aOff + (ic + ir) * lda + pc;
            if (mr == MR) {
                for (int p = 0; p < kc; p++) {
                    int d = dst + p * MR, sp = src + p;
                    for (int r = 0; r < MR; r++) ap[d + r] = a[sp + r * lda];
                }
                continue;
            }
            for (int p = 0; p < kc; p++) {
                int d = dst + p * MR, sp = src + p;
                for (int r = 0; r < mr; r++) ap[d + r] = a[sp + r * lda];
                for (int r = mr; r < MR; r++) ap[d + r] = 0f;
            }
        }
    }

    /** Packs op(B)[pc:pc+kc, jc:jc+nc] as NR-column micro-panels: panel j holds, per k-step, NR values. */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc,
                              float[] bp, int bpOff) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int dst = bpOff + jr * kc;
            if (!transB && nr == NR) {  // B stored [k, n]: NR contiguous values per k-step
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + jc + jr, d = dst + p * NR;
                    for (int j = 0; j < NR; j += VL) FloatVector.fromArray(S, b, src + j).intoArray(bp, d + j);
                }
            } else if (!transB) {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + jc + jr, d = dst + p * NR;
                    for (int j = 0; j < nr; j++) bp[d + j] = b[src + j];
                    for (int j = nr; j < NR; j++) bp[d + j] = 0f;
                }
            } else if (nr == NR) {  // B stored [n, k]: gather NR values per k-step from NR rows of B
                int[] rows = gatherRows(ldb);
                int src = bOff + (jc + jr) * ldb + pc;
                for (int p = 0; p < kc; p++) {
                    for (int j = 0; j < NR; j += VL) {
                        FloatVector.fromArray(S, b, src + j * ldb + p, rows, 0).intoArray(bp, dst + p * NR + j);
                    }
                }
            } else {  // ragged last panel of a transposed B: walk its rows, write with stride NR
                for (int j = 0; j < nr; j++) {
                    int src = bOff + (jc + jr + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) bp[dst + p * NR + j] = b[src + p];
                }
                for (int j = nr; j < NR; j++) {
                    for (int p = 0; p < kc; p++) bp[dst + p * NR + j] = 0f;
                }
            }
        }
    }

    /** Lane offsets {0, ldb, 2·ldb, …} for gathering one column of VL consecutive rows of B. */
    private static int[] gatherRows(int ldb) {
        int[] rows = new int[VL];
        for (int t = 0; t < VL; t++) rows[t] = t * ldb;
        return rows;
    }

    /**
     * The MR×NR microkernel: tile += Σ_p ap[p] ⊗ bp[p] over kc k-steps (outer products of packed
     * panels); the tile is MR rows of NR floats at {@code t} in {@code tile}. B's k-steps are
     * {@code bStride} apart (NR when packed, ldb when read in place).
     */
    private static void kernel(int kc, float[] ap, int aOff, float[] bp, int bOff, int bStride, float[] tile, int t) {
        FloatVector c00 = ld(tile, t), c01 = ld(tile, t + VL), c10 = ld(tile, t + NR), c11 = ld(tile, t + NR + VL);
        FloatVector c20 = ld(tile, t + 2 * NR), c21 = ld(tile, t + 2 * NR + VL), c30 = ld(tile, t + 3 * NR), c31 = ld(tile, t + 3 * NR + VL);
        FloatVector c40 = ld(tile, t + 4 * NR), c41 = ld(tile, t + 4 * NR + VL), c50 = ld(tile, t + 5 * NR), c51 = ld(tile, t + 5 * NR + VL);
        FloatVector c60 = ld(tile, t + 6 * NR), c61 = ld(tile, t + 6 * NR + VL), c70 = ld(tile, t + 7 * NR), c71 = ld(tile, t + 7 * NR + VL);
        FloatVector c80 = ld(tile, t + 8 * NR), c81 = ld(tile, t + 8 * NR + VL), c90 = ld(tile, t + 9 * NR), c91 = ld(tile, t + 9 * NR + VL);
        FloatVector ca0 = ld(tile, t + 10 * NR), ca1 = ld(tile, t + 10 * NR + VL), cb0 = ld(tile, t + 11 * NR), cb1 = ld(tile, t + 11 * NR + VL);
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * MR, bi = bOff + p * bStride;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi), b1 = FloatVector.fromArray(S, bp, bi + VL);
            FloatVector x;
            x = FloatVector.broadcast(S, ap[ai + 0]); c00 = b0.fma(x, c00); c01 = b1.fma(x, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]); c10 = b0.fma(x, c10); c11 = b1.fma(x, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]); c20 = b0.fma(x, c20); c21 = b1.fma(x, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]); c30 = b0.fma(x, c30); c31 = b1.fma(x, c31);
            x = FloatVector.broadcast(S, ap[ai + 4]); c40 = b0.fma(x, c40); c41 = b1.fma(x, c41);
            x = FloatVector.broadcast(S, ap[ai + 5]); c50 = b0.fma(x, c50); c51 = b1.fma(x, c51);
            x = FloatVector.broadcast(S, ap[ai + 6]); c60 = b0.fma(x, c60); c61 = b1.fma(x, c61);
            x = FloatVector.broadcast(S, ap[ai + 7]); c70 = b0.fma(x, c70); c71 = b1.fma(x, c71);
            x = FloatVector.broadcast(S, ap[ai + 8]); c80 = b0.fma(x, c80); c81 = b1.fma(x, c81);
            x = FloatVector.broadcast(S, ap[ai + 9]); c90 = b0.fma(x, c90); c91 = b1.fma(x, c91);
            x = FloatVector.broadcast(S, ap[ai + 10]); ca0 = b0.fma(x, ca0); ca1 = b1.fma(x, ca1);
            x = FloatVector.broadcast(S, ap[ai + 11]); cb0 = b0.fma(x, cb0); cb1 = b1.fma(x, cb1);
        }
        // Stored here rather than handed to a helper: C2 stops inlining in a method this large, and a
        // vector passed to a non-inlined call is boxed on the heap.
        c00.intoArray(tile, t + 0 * NR); c01.intoArray(tile, t + 0 * NR + VL); c10.intoArray(tile, t + 1 * NR); c11.intoArray(tile, t + 1 * NR + VL);
        c20.intoArray(tile, t + 2 * NR); c21.intoArray(tile, t + 2 * NR + VL); c30.intoArray(tile, t + 3 * NR); c31.intoArray(tile, t + 3 * NR + VL);
        c40.intoArray(tile, t + 4 * NR); c41.intoArray(tile, t + 4 * NR + VL); c50.intoArray(tile, t + 5 * NR); c51.intoArray(tile, t + 5 * NR + VL);
        c60.intoArray(tile, t + 6 * NR); c61.intoArray(tile, t + 6 * NR + VL); c70.intoArray(tile, t + 7 * NR); c71.intoArray(tile, t + 7 * NR + VL);
        c80.intoArray(tile, t + 8 * NR); c81.intoArray(tile, t + 8 * NR + VL); c90.intoArray(tile, t + 9 * NR); c91.intoArray(tile, t + 9 * NR + VL);
        ca0.intoArray(tile, t + 10 * NR); ca1.intoArray(tile, t + 10 * NR + VL); cb0.intoArray(tile, t + 11 * NR); cb1.intoArray(tile, t + 11 * NR + VL);
    }

    private static FloatVector ld(float[] x, int i) { return FloatVector.fromArray(S, x, i); }

    /** C[0:mr, 0:nr] = alpha · tile[0:mr, 0:nr] + beta · C (beta == 0: C is not read); tile row stride NR. */
    private static void writeStrip(float[] tile, int mr, int nr, float[] c, int cOff, int ldc, float alpha, float beta) {
        if (nr == NR) {
            for (int r = 0; r < mr; r++) {
                int row = cOff + r * ldc;
                for (int j = 0; j < NR; j += VL) {
                    FloatVector v = FloatVector.fromArray(S, tile, r * NR + j).mul(alpha);
                    if (beta != 0f) v = FloatVector.fromArray(S, c, row + j).mul(beta).add(v);
                    v.intoArray(c, row + j);
                }
            }
            return;
        }
        for (int r = 0; r < mr; r++) {
            int row = cOff + r * ldc;
            for (int j = 0; j < nr; j++) {
                float v = alpha * tile[r * NR + j];
                c[row + j] = beta == 0f ? v : v + beta * c[row + j];
            }
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
