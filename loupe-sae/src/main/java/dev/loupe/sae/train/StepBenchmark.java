package dev.loupe.sae.train;

import dev.loupe.util.Rng;
import dev.loupe.sae.Sae;
import dev.loupe.sae.SaeConfig;
import dev.loupe.sae.Saes;
import dev.loupe.sae.StepCoefficients;
import dev.loupe.tensor.Kernels;

import java.util.Locale;

/**
 * Times one SAE training step (forward, loss, backward; no optimiser) on random data — the issue's
 * benchmark: standard d_in 512 × d_sae 16384 at batch 4096, and topk (k = 32) at the same size, whose
 * step should take at most half the standard one. GFLOP/s counts the dense work of an untied standard step,
 * 10·n·d_in·d_sae (five GEMMs); for topk it is the same count divided by the topk time, i.e. the
 * standard-equivalent rate. Not a JMH harness: loupe-bench wraps it; run it only on an idle machine.
 *
 * <p>{@code java ... dev.loupe.sae.train.StepBenchmark [dIn dSae batch k reps]}
 */
public final class StepBenchmark {
    public record Result(String architecture, double msPerStep, double gflops) {}

    private StepBenchmark() {}

    public static Result measure(String arch, int dIn, int dSae, int k, int batch, int reps) {
        Rng rng = new Rng(1);
        Sae sae = Saes.init(new SaeConfig(arch, dIn, dSae, arch.equals("topk") || arch.equals("batchtopk") ? k : 0, false, null), rng, 1e-3);
        float[] x = new float[batch * dIn];
        for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
        float[][] grads = new float[sae.params().size()][];
        for (int i = 0; i < grads.length; i++) grads[i] = new float[sae.params().get(i).data().length];
        boolean[] fired = new boolean[dSae];
        StepCoefficients c = new StepCoefficients(1e-3, 1.0 / 32, 1e-3);
        for (int w = 0; w < 5; w++) sae.step(x, batch, c, null, grads, fired);   // warm-up: let C2 compile the loops
        long best = Long.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            sae.step(x, batch, c, null, grads, fired);
            best = Math.min(best, System.nanoTime() - t0);
        }
        double flops = 10.0 * batch * dIn * dSae;
        return new Result(arch, best / 1e6, flops / best);
    }

    public static void main(String[] args) {
        int dIn = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int dSae = args.length > 1 ? Integer.parseInt(args[1]) : 16384;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 4096;
        int k = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        int reps = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        System.out.println("backend " + Kernels.gemm().name() + ", threads " + Kernels.threads());
        Result std = measure("standard", dIn, dSae, k, batch, reps);
        Result topk = measure("topk", dIn, dSae, k, batch, reps);
        for (Result r : new Result[]{std, topk})
            System.out.printf(Locale.ROOT, "%-9s d_in %d d_sae %d batch %d: %.1f ms/step, %.1f GFLOP/s (standard-equivalent)%n",
                    r.architecture(), dIn, dSae, batch, r.msPerStep(), r.gflops());
        System.out.printf(Locale.ROOT, "topk/standard step time: %.3f%n", topk.msPerStep() / std.msPerStep());
    }
}
