package dev.loupe.lm;

import dev.loupe.util.Rng;

import dev.loupe.tensor.Kernels;

import java.util.Locale;
import java.util.Random;

/**
 * Measures training throughput of a model shape (default: loupe-1l: 1 layer, d_model 128, d_mlp 512,
 * 4 heads, context 128, vocab 4096, ReLU, batch 16) on random tokens, with the GEMM ceiling of the
 * same run (square sgemm, n = 1024) so the result can be read as a fraction of it. Prints tokens/s,
 * achieved GFLOP/s ({@link Gpt2Config#trainingFlops}), the forward / backward / optimizer split, the
 * share of time inside GEMM, and the wall time 20M tokens would take. A measurement tool, not a test:
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *     -cp loupe-cli/target/loupe.jar dev.loupe.lm.TrainThroughput [layers] [batch] [steps]</pre>
 */
public final class TrainThroughput {
    private TrainThroughput() {}

    public static void main(String[] args) {
        int layers = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        var inner = Kernels.gemm();
        var r = new Random(1);
        int s = 1024;
        float[] a = new float[s * s], b = new float[s * s], c = new float[s * s];
        for (int i = 0; i < a.length; i++) { a[i] = r.nextFloat(); b[i] = r.nextFloat(); }
        for (int i = 0; i < 3; i++) inner.sgemm(false, false, s, s, s, 1f, a, 0, s, b, 0, s, 0f, c, 0, s);
        long c0 = System.nanoTime();
        for (int i = 0; i < 10; i++) inner.sgemm(false, false, s, s, s, 1f, a, 0, s, b, 0, s, 0f, c, 0, s);
        double ceiling = 2.0 * s * s * s * 10 / ((System.nanoTime() - c0) / 1e9) / 1e9;

        long[] gemmNs = new long[1];
        var byShape = new java.util.TreeMap<String, long[]>();   // "op(A)·op(B) m×n×k" → {calls, ns}
        Kernels.setGemm(new dev.loupe.tensor.Gemm() {   // times every GEMM call of the trainer
            @Override public void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] x, int xo, int ldx,
                                        float[] y, int yo, int ldy, float beta, float[] z, int zo, int ldz) {
                long t = System.nanoTime();
                inner.sgemm(ta, tb, m, n, k, alpha, x, xo, ldx, y, yo, ldy, beta, z, zo, ldz);
                long dt = System.nanoTime() - t;
                gemmNs[0] += dt;
                long[] e = byShape.computeIfAbsent((ta ? "Aᵀ" : "A") + "·" + (tb ? "Bᵀ" : "B") + " " + m + "×" + n + "×" + k, key -> new long[2]);
                e[0]++;
                e[1] += dt;
            }
            @Override public String name() { return inner.name(); }
        });
        var cfg = new Gpt2Config(4096, 128, layers, 128, 4, 512, Gpt2Config.Activation.RELU, 1e-5f);
        int t = cfg.context();
        Gpt2 model = new Gpt2(cfg);
        model.initialize(new Rng(1));
        AdamW adam = new AdamW(model.layout());
        int[] in = new int[batch * t], tg = new int[batch * t];
        for (int i = 0; i < in.length; i++) { in[i] = r.nextInt(4096); tg[i] = r.nextInt(4096); }
        int warm = 10;
        double fwd = 0, bwd = 0, opt = 0;
        for (int it = 0; it < warm + steps; it++) {
            if (it == warm) { gemmNs[0] = 0; byShape.clear(); }
            long t0 = System.nanoTime();
            model.forward(in, tg, batch, t);
            long t1 = System.nanoTime();
            model.backward();
            long t2 = System.nanoTime();
            AdamW.globalNorm(model.grads());
            adam.step(model.params(), model.grads(), 1f, 1e-3, 0.9, 0.95, 1e-8, 0.1, it + 1);
            long t3 = System.nanoTime();
            if (it >= warm) { fwd += (t1 - t0) / 1e9; bwd += (t2 - t1) / 1e9; opt += (t3 - t2) / 1e9; }
        }
        double total = fwd + bwd + opt, tokS = (double) batch * t * steps / total;
        double gflops = cfg.trainingFlops(batch, t) * steps / total / 1e9;
        System.out.printf(Locale.ROOT, "backend %s, threads %d; ceiling (sgemm 1024³) %.1f GFLOP/s%n", inner.name(), Kernels.threads(), ceiling);
        System.out.printf(Locale.ROOT, "%d layer(s), batch %d×%d: %.0f tokens/s, %.1f GFLOP/s = %.0f%% of ceiling; per step: forward %.1f ms, backward %.1f ms, optimizer %.1f ms; %.0f%% of the time in GEMM%n",
                layers, batch, t, tokS, gflops, 100 * gflops / ceiling, 1e3 * fwd / steps, 1e3 * bwd / steps, 1e3 * opt / steps, 100 * gemmNs[0] / 1e9 / total);
        byShape.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1])).forEach(e -> {
            String[] mnk = e.getKey().substring(e.getKey().indexOf(' ') + 1).split("×");
            double flop = 2.0 * Long.parseLong(mnk[0]) * Long.parseLong(mnk[1]) * Long.parseLong(mnk[2]) * e.getValue()[0];
            System.out.printf(Locale.ROOT, "  gemm %-22s %5d calls/step %7.1f ms/step %6.1f GFLOP/s%n", e.getKey(),
                    e.getValue()[0] / steps, 1e3 * e.getValue()[1] / 1e9 / steps, flop / e.getValue()[1]);
        });
        System.out.printf(Locale.ROOT, "20M training tokens would take %.1f min (plus held-out evaluation)%n", 20e6 / tokS / 60);
    }
}
