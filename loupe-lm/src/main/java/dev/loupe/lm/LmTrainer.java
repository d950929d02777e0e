package dev.loupe.lm;

import dev.loupe.util.Rng;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.tensor.Kernels;
import dev.loupe.util.ConfigException;
import dev.loupe.util.LoupeException;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The training loop: sample B random windows of T+1 tokens, forward, backward, clip the global
 * gradient norm, AdamW step with warm-up + cosine learning rate; held-out loss every
 * {@code evalEvery} steps; a progress line every {@code logEvery} steps; an atomic checkpoint every
 * {@code checkpointEvery} steps and when stopping. Resuming from the checkpoint continues
 * bit-identically (same RNG stream, moments and step). Diverging (NaN/Inf loss or gradient) stops
 * with a clear error before the weights are touched.
 *
 * <p>Not the data pipeline: it receives an already tokenised {@link TokenSplit}.
 */
public final class LmTrainer {
    public static final String CHECKPOINT = "checkpoint.safetensors";

    /**
     * Outcome of {@link #run}: completed steps, tokens trained on, last losses, wall time and speed of this
     * session. {@code medianIntervalTokensPerSecond}: the median over the run's log intervals
     * (the steady speed: the first interval holds the JIT's warm-up and some hold a held-out evaluation);
     * NaN with fewer than {@value #STEADY_INTERVALS} intervals.
     */
    public record Result(long step, long tokensSeen, double trainLoss, double heldOutLoss, double seconds, double tokensPerSecond,
                         double medianIntervalTokensPerSecond) {}

    /** Log intervals needed for a steady-speed figure. */
    public static final int STEADY_INTERVALS = 3;

    private final TrainLmConfig cfg;
    private final TokenSplit data;
    private final Path dir;
    private final PrintWriter log;
    private final Gpt2 model;
    private final AdamW adam;
    private final Rng rng;
    private final String configJson;
    private long step;

    /** Starts fresh, or — with {@code resume} and a checkpoint in {@code dir} — continues from it. */
    public LmTrainer(TrainLmConfig cfg, TokenSplit data, Path dir, boolean resume, PrintWriter log) {
        data.validate(cfg.model());
        this.cfg = cfg;
        this.data = data;
        this.dir = dir;
        this.log = log;
        this.model = new Gpt2(cfg.model());
        this.adam = new AdamW(model.layout());
        try {
            this.configJson = new ObjectMapper().writeValueAsString(cfg);
        } catch (JsonProcessingException e) {
            throw new LoupeException("cannot encode the training config: " + e.getMessage(), e);
        }
        Path ckpt = dir.resolve(CHECKPOINT);
        if (resume && Files.exists(ckpt)) {
            Checkpoint c = Checkpoint.read(ckpt);
            if (!c.configJson().equals(configJson))
                throw new ConfigException(ckpt + " was written with a different config (" + c.configJson() + "); rerun with the same flags or use a new --out");
            if (c.trainHash() != data.trainHash())
                throw new ConfigException(ckpt + " was trained on different tokens; use the same corpus and tokenizer, or a new --out");
            System.arraycopy(c.params(), 0, model.params(), 0, c.params().length);
            System.arraycopy(c.m(), 0, adam.m(), 0, c.m().length);
            System.arraycopy(c.v(), 0, adam.v(), 0, c.v().length);
            this.rng = new Rng(c.rngState());
            this.step = c.step();
            log.printf("resuming from %s at step %d%n", ckpt, step);
        } else {
            if (!resume && Files.exists(ckpt))
                throw new ConfigException(ckpt + " already exists: pass --resume to continue it, or choose a new --out");
            Rng init = new Rng(cfg.seed());
            model.initialize(init);
            this.rng = new Rng(init.nextLong());   // data stream seeded from, but independent of, the init stream
        }
    }

    public Gpt2 model() { return model; }
    public long step() { return step; }

    /** Trains until {@code min(stopAtStep, steps)} completed steps, then checkpoints. */
    public Result run(long stopAtStep) {
        int b = cfg.batchSize(), t = cfg.model().context();
        int[] inputs = new int[b * t], targets = new int[b * t];
        long end = Math.min(stopAtStep, cfg.steps()), startStep = step;
        long t0 = System.nanoTime(), tLog = t0, stepsAtLog = step;
        double loss = Double.NaN, heldOut = Double.NaN;
        java.util.List<Double> intervals = new java.util.ArrayList<>();
        while (step < end) {
            for (int i = 0; i < b; i++) {
                int off = (int) rng.nextLong(data.train().length - t);
                System.arraycopy(data.train(), off, inputs, i * t, t);
                System.arraycopy(data.train(), off + 1, targets, i * t, t);
            }
            loss = model.forwardBackward(inputs, targets, b, t);
            if (!Double.isFinite(loss)) diverged("loss", loss);
            double norm = AdamW.globalNorm(model.grads());
            if (!Double.isFinite(norm)) diverged("gradient norm", norm);
            float scale = cfg.gradClip() > 0 && norm > cfg.gradClip() ? (float) (cfg.gradClip() / norm) : 1f;
            double lr = cfg.learningRateAt(step);
            adam.step(model.params(), model.grads(), scale, lr, cfg.beta1(), cfg.beta2(), cfg.adamEps(), cfg.weightDecay(), step + 1);
            step++;
            if (step % cfg.logEvery() == 0 || step == end) {
                long now = System.nanoTime();
                double tokS = (step - stepsAtLog) * cfg.tokensPerStep() / ((now - tLog) / 1e9);
                intervals.add(tokS);
                double eta = (cfg.steps() - step) * cfg.tokensPerStep() / tokS;
                double gflops = tokS / cfg.tokensPerStep() * cfg.model().trainingFlops(b, t) / 1e9;
                log.printf(Locale.ROOT, "step %d/%d | loss %.4f | lr %.2e | norm %.3f | %.0f tok/s | %.1f GFLOP/s | eta %s%n",
                        step, cfg.steps(), loss, lr, norm, tokS, gflops, duration(eta));
                tLog = now;
                stepsAtLog = step;
            }
            if (step % cfg.evalEvery() == 0 || step == cfg.steps()) {
                heldOut = heldOutLoss();
                log.printf(Locale.ROOT, "step %d | held-out loss %.4f%n", step, heldOut);
            }
            if (step % cfg.checkpointEvery() == 0 && step < end) checkpoint();
        }
        if (step > startStep) checkpoint();
        if (Double.isNaN(heldOut)) heldOut = heldOutLoss();
        double seconds = (System.nanoTime() - t0) / 1e9;
        double steady = Double.NaN;
        if (intervals.size() >= STEADY_INTERVALS) {
            double[] s = intervals.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            steady = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }
        return new Result(step, step * cfg.tokensPerStep(), loss, heldOut, seconds, (step - startStep) * cfg.tokensPerStep() / seconds, steady);
    }

    /** Mean next-token loss over the first {@code evalBatches·B} non-overlapping held-out windows (fewer if short). */
    public double heldOutLoss() {
        int b = cfg.batchSize(), t = cfg.model().context();
        int[] ho = data.heldOut();
        int windows = Math.min(cfg.evalBatches() * b, (ho.length - 1) / t);
        int[] inputs = new int[b * t], targets = new int[b * t];
        double sum = 0;
        int counted = 0;
        for (int w0 = 0; w0 < windows; w0 += b) {
            java.util.Arrays.fill(targets, -1);
            int rows = Math.min(b, windows - w0);
            for (int i = 0; i < b; i++) {
                int off = (w0 + Math.min(i, rows - 1)) * t;   // pad a short last batch by repeating a window without targets
                System.arraycopy(ho, off, inputs, i * t, t);
                if (i < rows) System.arraycopy(ho, off + 1, targets, i * t, t);
            }
            sum += model.loss(inputs, targets, b, t) * rows * t;
            counted += rows * t;
        }
        return sum / counted;
    }

    private void checkpoint() {
        new Checkpoint(step, rng.state(), configJson, data.trainHash(), model.params(), adam.m(), adam.v())
                .write(dir.resolve(CHECKPOINT));
    }

    private void diverged(String what, double value) {
        throw new LoupeException("training diverged at step " + (step + 1) + ": " + what + " is " + value
                + " (lower --lr or raise --warmup; the last checkpoint in " + dir + " is intact)");
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) return "?";
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s / 60 % 60) : String.format("%dm%02ds", s / 60, s % 60);
    }

    /** Describes the compute setting for logs and provenance. */
    public static String computeSetting() {
        return "backend " + Kernels.gemm().name() + ", threads " + Kernels.threads();
    }
}
