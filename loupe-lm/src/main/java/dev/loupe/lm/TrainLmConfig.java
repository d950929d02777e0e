package dev.loupe.lm;

import dev.loupe.util.ConfigException;

/**
 * Everything that determines a training run of {@link LmTrainer} besides the data: model shape,
 * batch, schedule (linear warm-up then cosine decay to {@code minLrFraction·learningRate}), AdamW
 * hyper-parameters, global-norm gradient clipping, evaluation and checkpoint cadence, seed.
 * Same config + same data + same thread count ⇒ bit-identical weights.
 */
public record TrainLmConfig(Gpt2Config model, int batchSize, long steps, double learningRate,
                            double minLrFraction, int warmupSteps, double weightDecay,
                            double beta1, double beta2, double adamEps, double gradClip,
                            int evalEvery, int evalBatches, int checkpointEvery, int logEvery, long seed) {

    public TrainLmConfig {
        if (model == null) throw new ConfigException("model shape is missing");
        if (batchSize <= 0) throw new ConfigException("batch size must be positive, got " + batchSize);
        if (steps <= 0) throw new ConfigException("steps must be positive, got " + steps + " (raise --tokens or --steps)");
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) throw new ConfigException("learning rate must be positive, got " + learningRate);
        if (!(minLrFraction >= 0 && minLrFraction <= 1)) throw new ConfigException("min-lr fraction must be in [0, 1], got " + minLrFraction);
        if (warmupSteps < 0) throw new ConfigException("warm-up steps must be >= 0, got " + warmupSteps);
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) throw new ConfigException("weight decay must be >= 0, got " + weightDecay);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) throw new ConfigException("Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        if (!(adamEps > 0)) throw new ConfigException("Adam epsilon must be positive, got " + adamEps);
        if (!(gradClip >= 0) || !Double.isFinite(gradClip)) throw new ConfigException("gradient clip must be >= 0 (0 = off), got " + gradClip);
        if (evalEvery <= 0 || evalBatches <= 0) throw new ConfigException("eval-every and eval-batches must be positive, got " + evalEvery + ", " + evalBatches);
        if (checkpointEvery <= 0) throw new ConfigException("checkpoint-every must be positive, got " + checkpointEvery);
        if (logEvery <= 0) throw new ConfigException("log-every must be positive, got " + logEvery);
    }

    /** nanoGPT-like defaults for a small model: lr 1e-3, 10% min lr, wd 0.1, betas (0.9, 0.95), clip 1. */
    public static TrainLmConfig defaults(Gpt2Config model, int batchSize, long steps, long seed) {
        int warmup = (int) Math.min(200, Math.max(1, steps / 20));
        return new TrainLmConfig(model, batchSize, steps, 1e-3, 0.1, warmup, 0.1, 0.9, 0.95, 1e-8, 1.0,
                (int) Math.max(1, Math.min(250, steps / 4)), 8, (int) Math.max(1, Math.min(1000, steps)), 10, seed);
    }

    public TrainLmConfig withSteps(long newSteps) {
        return new TrainLmConfig(model, batchSize, newSteps, learningRate, minLrFraction, warmupSteps, weightDecay,
                beta1, beta2, adamEps, gradClip, evalEvery, evalBatches, checkpointEvery, logEvery, seed);
    }

    /** Learning rate at 0-based step: linear warm-up to the peak, then cosine down to the floor. */
    public double learningRateAt(long step) {
        if (step < warmupSteps) return learningRate * (step + 1) / warmupSteps;
        double progress = steps <= warmupSteps ? 1 : (double) (step - warmupSteps) / (steps - warmupSteps);
        double min = learningRate * minLrFraction;
        return min + 0.5 * (learningRate - min) * (1 + Math.cos(Math.PI * Math.min(1, progress)));
    }

    public long tokensPerStep() { return (long) batchSize * model.context(); }
}
