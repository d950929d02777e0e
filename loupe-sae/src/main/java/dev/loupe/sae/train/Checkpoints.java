package dev.loupe.sae.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.io.DType;
import dev.loupe.io.SafeTensors;
import dev.loupe.io.SafeTensorsWriter;
import dev.loupe.sae.Param;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;
import dev.loupe.util.FormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Training checkpoints: one safetensors file per run, {@code <checkpointDir>/<name>/checkpoint.safetensors},
 * written atomically (temp file + rename, so a crash never leaves a torn checkpoint). It holds every piece
 * of {@link TrainRun} state — parameters ({@code param.*}), Adam moments ({@code adam.m.*}, {@code adam.v.*}),
 * buffers, dead-feature counters — and, in the metadata, step, Adam t, RNG state, input scale (as raw float
 * bits), source position and the config. Not a SAELens folder: {@code SaeLensFormat} writes those.
 */
public final class Checkpoints {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Keys that may differ between the run that wrote a checkpoint and the one resuming it. */
    private static final List<String> FREE = List.of("logEvery", "checkpointEvery", "checkpointDir", "totalSteps");

    private Checkpoints() {}

    public static Path file(TrainSaeConfig cfg) {
        return Path.of(cfg.checkpointDir(), cfg.name(), "checkpoint.safetensors");
    }

    static void save(TrainRun run, long position) {
        SafeTensorsWriter w = new SafeTensorsWriter();
        List<Param> ps = run.sae.params();
        for (int i = 0; i < ps.size(); i++) {
            Param p = ps.get(i);
            w.add("param." + p.name(), new Tensor(p.data(), p.shape()));
            w.add("adam.m." + p.name(), new Tensor(run.adam.m[i], p.shape()));
            w.add("adam.v." + p.name(), new Tensor(run.adam.v[i], p.shape()));
        }
        for (Map.Entry<String, float[]> b : run.sae.buffers().entrySet())
            w.add("buffer." + b.getKey(), new Tensor(b.getValue(), b.getValue().length));
        w.addLongs("since_fired", run.sinceFired, DType.I64, run.sinceFired.length);
        w.metadata("step", Long.toString(run.step))
                .metadata("adam_t", Long.toString(run.adam.t))
                .metadata("rng_state", Long.toString(run.rng.state()))
                .metadata("input_scale_bits", Integer.toString(Float.floatToRawIntBits(run.inputScale)))
                .metadata("position", Long.toString(position))
                .metadata("config", run.cfg.toJson().toString());
        w.write(file(run.cfg));
    }

    static boolean exists(TrainSaeConfig cfg) {
        return cfg.checkpointDir() != null && Files.isRegularFile(file(cfg));
    }

    /** Restores the run's state from its checkpoint and returns the source position to seek to. */
    static long load(TrainRun run) {
        Path f = file(run.cfg);
        try (SafeTensors st = SafeTensors.open(f)) {
            Map<String, String> meta = st.metadata();
            checkConfig(f, meta.get("config"), run.cfg);
            List<Param> ps = run.sae.params();
            for (int i = 0; i < ps.size(); i++) {
                Param p = ps.get(i);
                copy(st, "param." + p.name(), p.data());
                copy(st, "adam.m." + p.name(), run.adam.m[i]);
                copy(st, "adam.v." + p.name(), run.adam.v[i]);
            }
            for (Map.Entry<String, float[]> b : run.sae.buffers().entrySet()) copy(st, "buffer." + b.getKey(), b.getValue());
            long[] since = st.longs("since_fired");
            if (since.length != run.sinceFired.length) throw new FormatException(f + ": since_fired has " + since.length + " entries, expected " + run.sinceFired.length);
            System.arraycopy(since, 0, run.sinceFired, 0, since.length);
            run.step = num(f, meta, "step");
            run.adam.t = num(f, meta, "adam_t");
            run.rng.setState(num(f, meta, "rng_state"));
            run.inputScale = Float.intBitsToFloat((int) num(f, meta, "input_scale_bits"));
            return num(f, meta, "position");
        }
    }

    private static void copy(SafeTensors st, String name, float[] into) {
        float[] src = st.tensor(name).data();
        if (src.length != into.length) throw new FormatException(st.path() + ": tensor '" + name + "' has " + src.length + " values, expected " + into.length);
        System.arraycopy(src, 0, into, 0, src.length);
    }

    private static long num(Path f, Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) throw new FormatException(f + ": checkpoint metadata lacks '" + key + "'; the file is not a Loupe SAE checkpoint");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new FormatException(f + ": checkpoint metadata '" + key + "' is not an integer: " + v);
        }
    }

    private static void checkConfig(Path f, String stored, TrainSaeConfig cfg) {
        if (stored == null) throw new FormatException(f + ": checkpoint metadata lacks 'config'; the file is not a Loupe SAE checkpoint");
        ObjectNode was;
        try {
            was = (ObjectNode) JSON.readTree(stored);
        } catch (IOException | ClassCastException e) {
            throw new FormatException(f + ": checkpoint config is not a JSON object");
        }
        ObjectNode now = cfg.toJson();
        for (var it = now.fields(); it.hasNext(); ) {
            var e = it.next();
            if (FREE.contains(e.getKey())) continue;
            var before = was.get(e.getKey());   // compare as text: a reparsed 64 is an int, a live one a long
            if (before == null || !e.getValue().asText().equals(before.asText()))
                throw new ConfigException(f + ": cannot resume, config key '" + e.getKey() + "' was " + was.get(e.getKey())
                        + " and is now " + e.getValue() + "; use the original value or a new checkpointDir");
        }
    }
}
