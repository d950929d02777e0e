package dev.loupe.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.util.ConfigException;
import dev.loupe.util.FormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Text report on a checkpoint for {@code loupe inspect}: a safetensors file, a sharded index, an HF
 * model directory (config.json summary + weights + tokenizer presence) or a llama2.c {@code .bin}.
 *
 * <p>Reads headers and config only; it never decodes tensor data and never builds a model, so it is
 * fast on any size of checkpoint.
 */
public final class Inspector {
    /** Tensor rows shown without {@code --all}. */
    public static final int DEFAULT_ROWS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** config.json keys worth showing, across the GPT-2 / NeoX / Llama / Qwen2 naming schemes. */
    private static final List<String> CONFIG_KEYS = List.of(
            "hidden_size", "n_embd", "num_hidden_layers", "n_layer", "num_attention_heads", "n_head",
            "num_key_value_heads", "head_dim", "intermediate_size", "n_inner", "vocab_size",
            "max_position_embeddings", "n_positions", "hidden_act", "activation_function",
            "rms_norm_eps", "layer_norm_eps", "layer_norm_epsilon", "rope_theta", "rotary_pct",
            "rotary_emb_base", "partial_rotary_factor", "use_parallel_residual", "tie_word_embeddings",
            "attention_bias", "torch_dtype");

    private Inspector() {}

    /** Report for {@code path}; {@code all} lists every tensor instead of the first {@value #DEFAULT_ROWS}. */
    public static String inspect(Path path, boolean all) {
        if (!Files.exists(path)) throw new ConfigException(path + ": no such file or directory");
        StringBuilder out = new StringBuilder();
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        if (Files.isDirectory(path)) modelDir(path, all, out);
        else if (name.endsWith(".safetensors") || name.endsWith(".index.json")) weights(path, all, out);
        else if (name.startsWith("pytorch_model") || name.endsWith(".pt") || name.endsWith(".pth"))
            throw new FormatException(path + ": PyTorch pickle checkpoints are not read (unsafe to unpickle); convert to safetensors first");
        else if (name.endsWith(".bin")) llama2c(path, out);
        else throw new FormatException(path + ": cannot tell what this is; inspect takes a .safetensors file, a *.safetensors.index.json, "
                    + "a llama2.c .bin checkpoint, or an HF model directory (config.json + weights)");
        return out.toString();
    }

    private static void modelDir(Path dir, boolean all, StringBuilder out) {
        Path cfg = dir.resolve("config.json");
        boolean hasWeights = WeightStore.hasWeights(dir);
        if (!Files.isRegularFile(cfg) && !hasWeights)
            throw new FormatException(dir + ": not a model directory (no config.json, " + WeightStore.INDEX + " or " + WeightStore.SINGLE + ")");
        out.append("HF model directory ").append(dir).append('\n');
        if (Files.isRegularFile(cfg)) {
            JsonNode c;
            try {
                c = JSON.readTree(cfg.toFile());
            } catch (IOException e) {
                throw new FormatException(cfg + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
            }
            if (c == null || !c.isObject()) throw new FormatException(cfg + ": not a JSON object");
            JsonNode arch = c.path("architectures");
            row(out, "architecture", arch.isArray() && !arch.isEmpty() ? arch.get(0).asText() : "(none listed)");
            row(out, "model_type", c.path("model_type").asText("(none)"));
            for (String k : CONFIG_KEYS) {
                JsonNode v = c.get(k);
                if (v != null && v.isValueNode()) row(out, k, v.asText());
            }
        } else {
            row(out, "config.json", "absent");
        }
        row(out, "tokenizer.json", Files.isRegularFile(dir.resolve("tokenizer.json")) ? "present" : "absent");
        if (hasWeights) {
            out.append('\n');
            weights(dir, all, out);
        } else {
            row(out, "weights", "none (no " + WeightStore.INDEX + " or " + WeightStore.SINGLE + ")");
        }
    }

    private static void weights(Path path, boolean all, StringBuilder out) {
        try (WeightStore ws = WeightStore.open(path)) {
            out.append("safetensors ").append(ws.path()).append(ws.sharded() ? " (sharded, " + ws.files().size() + " files)" : "").append('\n');
            if (!ws.metadata().isEmpty()) row(out, "metadata", ws.metadata().toString());
            long params = 0, bytes = 0;
            Map<DType, long[]> perDtype = new TreeMap<>(); // dtype -> {tensors, params}
            for (var e : ws.entries().toList()) {
                params += e.numel();
                bytes += e.end() - e.begin();
                long[] c = perDtype.computeIfAbsent(e.dtype(), d -> new long[2]);
                c[0]++;
                c[1] += e.numel();
            }
            row(out, "tensors", String.valueOf(ws.names().size()));
            row(out, "params", String.format("%,d", params));
            row(out, "bytes", String.format("%,d", bytes));
            StringBuilder d = new StringBuilder();
            perDtype.forEach((k, v) -> d.append(d.isEmpty() ? "" : ", ").append(k).append(": ").append(v[0]).append(" tensors, ").append(String.format("%,d", v[1])).append(" params"));
            row(out, "dtypes", d.toString());
            out.append('\n');
            var entries = ws.entries().sorted((x, y) -> naturalCompare(x.name(), y.name())).toList();
            int width = Math.max(4, entries.stream().mapToInt(e -> e.name().length()).max().orElse(4));
            int shown = all ? entries.size() : Math.min(DEFAULT_ROWS, entries.size());
            out.append(String.format("  %-" + width + "s  %-5s  %s%n", "name", "dtype", "shape"));
            for (var e : entries.subList(0, shown))
                out.append(String.format("  %-" + width + "s  %-5s  %s%n", e.name(), e.dtype(), Arrays.toString(e.shape())));
            if (shown < entries.size())
                out.append("  ... ").append(entries.size() - shown).append(" more (use --all to list every tensor)\n");
        }
    }

    private static void llama2c(Path path, StringBuilder out) {
        var h = Llama2cCheckpoint.readHeader(path);
        out.append("llama2.c checkpoint (legacy version 0) ").append(path).append('\n');
        row(out, "dim", String.valueOf(h.dim()));
        row(out, "hidden_dim", String.valueOf(h.hiddenDim()));
        row(out, "n_layers", String.valueOf(h.nLayers()));
        row(out, "n_heads", String.valueOf(h.nHeads()));
        row(out, "n_kv_heads", String.valueOf(h.nKvHeads()));
        row(out, "vocab_size", String.valueOf(h.vocabSize()));
        row(out, "seq_len", String.valueOf(h.seqLen()));
        row(out, "head_size", String.valueOf(h.headSize()));
        row(out, "classifier", h.sharedClassifier() ? "tied (tok_emb)" : "untied (wcls)");
        row(out, "params", String.format("%,d", h.params()));
        row(out, "bytes", String.format("%,d", h.fileBytes()));
    }

    /** Orders digit runs by value, so layers.2 comes before layers.10. */
    static int naturalCompare(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            char x = a.charAt(i), y = b.charAt(j);
            if (Character.isDigit(x) && Character.isDigit(y)) {
                int si = i, sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) i++;
                while (j < b.length() && Character.isDigit(b.charAt(j))) j++;
                String p = a.substring(si, i).replaceFirst("^0+(?=.)", ""), q = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                int c = p.length() != q.length() ? Integer.compare(p.length(), q.length()) : p.compareTo(q);
                if (c != 0) return c;
            } else {
                if (x != y) return Character.compare(x, y);
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private static void row(StringBuilder out, String k, String v) {
        out.append(String.format("  %-24s %s%n", k, v));
    }
}
