package dev.loupe.model;

import dev.loupe.io.SafeTensorsWriter;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One forward pass over one token sequence written to a safetensors file (the {@code loupe forward}
 * verb): {@code logits} [seq, vocab], each requested hook under its TransformerLens name with the
 * batch dimension dropped, and a 0-rank F32 {@code loss} when seq &gt; 1. Not a batch exporter: see
 * the activation harvester for corpora.
 */
public final class ForwardExport {
    private ForwardExport() {}

    /** What was written. */
    public record Result(int seq, int vocab, List<String> hooks, Double loss) {}

    /** {@code hookSpec}: "" for none, "all", or comma-separated hook names. */
    public static Result write(Transformer model, int[] tokens, String hookSpec, Path out) {
        List<String> names = hookNames(model, hookSpec);
        int[][] batch = {tokens};
        ActivationCache cache = model.runWithCache(batch, names);
        Tensor logits = cache.logits() != null ? cache.logits() : model.forward(batch);
        int S = tokens.length, V = model.config().vocab();
        SafeTensorsWriter w = new SafeTensorsWriter().metadata("format", "pt").metadata("loupe.model", model.config().name());
        w.add("logits", logits.reshape(S, V));
        for (String n : names) {
            Tensor t = cache.get(n);
            int[] s = t.shape();
            w.add(n, t.reshape(java.util.Arrays.copyOfRange(s, 1, s.length)));
        }
        Double loss = null;
        if (S > 1) {
            loss = Transformer.loss(logits, batch);
            w.add("loss", new Tensor(new float[]{loss.floatValue()}));
        }
        w.write(out);
        return new Result(S, V, names, loss);
    }

    static List<String> hookNames(Transformer model, String spec) {
        if (spec == null || spec.isBlank()) return List.of();
        if (spec.trim().equals("all")) return model.hookNames();
        List<String> names = new ArrayList<>();
        for (String s : spec.split(",")) {
            String n = s.trim();
            if (n.isEmpty()) continue;
            model.hooks().checkName(n);
            if (!names.contains(n)) names.add(n);
        }
        return names;
    }

    /** Parses "1,2,3" (spaces allowed) into ids; a clear error names the bad item. */
    public static int[] parseIds(String s, String flag) {
        if (s == null || s.isBlank()) throw new ConfigException(flag + " is empty; give comma-separated token ids, e.g. 1,2,3");
        String[] parts = s.split(",");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                ids[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(flag + ": '" + parts[i].trim() + "' is not a token id; give comma-separated integers, e.g. 1,2,3");
            }
        }
        return ids;
    }
}
