package dev.loupe.lm;

import dev.loupe.util.Rng;

import dev.loupe.io.SafeTensors;
import dev.loupe.io.SafeTensorsWriter;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.FormatException;

import java.nio.file.Path;

/**
 * Training checkpoint, one safetensors file written atomically. Format {@code loupe-lm-checkpoint/1}:
 * F32 tensors {@code params}, {@code adam.m}, {@code adam.v} (flat, {@link ParamLayout} order);
 * metadata {@code format}, {@code step} (completed steps), {@code rng} (the data-sampling
 * {@link Rng} state), {@code config} (the {@link TrainLmConfig} as JSON) and {@code train_hash}
 * ({@link TokenSplit#trainHash()}). Together they make a resumed run bit-identical to an
 * uninterrupted one.
 */
public record Checkpoint(long step, long rngState, String configJson, long trainHash, float[] params, float[] m, float[] v) {
    public static final String FORMAT = "loupe-lm-checkpoint/1";

    public void write(Path path) {
        new SafeTensorsWriter()
                .metadata("format", FORMAT)
                .metadata("step", Long.toString(step))
                .metadata("rng", Long.toString(rngState))
                .metadata("config", configJson)
                .metadata("train_hash", Long.toString(trainHash))
                .add("params", new Tensor(params, params.length))
                .add("adam.m", new Tensor(m, m.length))
                .add("adam.v", new Tensor(v, v.length))
                .write(path);
    }

    public static Checkpoint read(Path path) {
        try (SafeTensors f = SafeTensors.open(path)) {
            var md = f.metadata();
            if (!FORMAT.equals(md.get("format")))
                throw new FormatException(path + ": not a Loupe LM checkpoint (format '" + md.get("format") + "', expected " + FORMAT + ")");
            try {
                return new Checkpoint(Long.parseLong(md.get("step")), Long.parseLong(md.get("rng")), md.get("config"),
                        Long.parseLong(md.get("train_hash")), f.tensor("params").data(), f.tensor("adam.m").data(), f.tensor("adam.v").data());
            } catch (NumberFormatException | NullPointerException e) {
                throw new FormatException(path + ": checkpoint metadata is incomplete (" + e.getMessage() + "); delete it to start over", e);
            }
        }
    }
}
