package dev.loupe.sae.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.io.SafeTensors;
import dev.loupe.io.SafeTensorsWriter;
import dev.loupe.sae.BatchTopKSae;
import dev.loupe.sae.JumpReluSae;
import dev.loupe.sae.Param;
import dev.loupe.sae.Sae;
import dev.loupe.sae.SaeConfig;
import dev.loupe.sae.Saes;
import dev.loupe.sae.StandardSae;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.FormatException;
import dev.loupe.util.LoupeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SAELens v6 SAE folders: {@code cfg.json} (d_in, d_sae, architecture, apply_b_dec_to_input,
 * normalize_activations, meta {...}, k for topk), {@code sae_weights.safetensors} (W_enc [d_in, d_sae],
 * W_dec [d_sae, d_in], b_enc, b_dec; jumprelu adds threshold; gated has b_gate, r_mag, b_mag and no b_enc)
 * and optionally {@code sparsity.safetensors} ({@code sparsity}: log10 feature density).
 *
 * <p>Pre-6.0 configs (hook_name and friends at the top level, topk spelled activation_fn_str = "topk" with
 * activation_fn_kwargs.k) are upgraded on read. A batchtopk SAE is written as jumprelu with its global
 * threshold in every entry, and a tied standard SAE is written untied, as SAELens has neither.
 * Not supported (clear error): apply_b_dec_to_input = false, constant_norm_rescale / layer_norm
 * normalisation, rescale_acts_by_decoder_norm.
 */
public final class SaeLensFormat {
    public static final String CFG = "cfg.json", WEIGHTS = "sae_weights.safetensors", SPARSITY = "sparsity.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Top-level keys of a pre-6.0 cfg.json that v6 keeps under "meta". */
    private static final List<String> OLD_META = List.of("model_name", "hook_name", "hook_layer", "hook_head_index",
            "model_class_name", "model_from_pretrained_kwargs", "prepend_bos", "exclude_special_tokens", "neuronpedia_id",
            "context_size", "seqpos_slice", "dataset_path", "sae_lens_training_version");

    private SaeLensFormat() {}

    public static boolean looksLike(Path dir) { return Files.isRegularFile(dir.resolve(WEIGHTS)); }

    public static Sae read(Path dir) {
        if (!Files.isDirectory(dir)) throw new FormatException(dir + ": not a folder (a SAELens SAE is a folder with " + CFG + " and " + WEIGHTS + ")");
        Path cfgPath = dir.resolve(CFG), wPath = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(cfgPath)) throw new FormatException(dir + ": no " + CFG + " (is this a SAELens SAE folder?)");
        if (!Files.isRegularFile(wPath)) throw new FormatException(dir + ": no " + WEIGHTS + " (is this a SAELens SAE folder?)");
        SaeConfig cfg = parseConfig(cfgPath, readJson(cfgPath));
        Sae sae = Saes.empty(cfg);
        try (SafeTensors st = SafeTensors.open(wPath)) {
            for (Param p : sae.params()) {
                if (p.name().equals("log_threshold")) {
                    float[] t = load(st, "threshold", new int[]{cfg.dSae()});
                    for (int i = 0; i < t.length; i++)
                        if (!(t[i] > 0)) throw new FormatException(wPath + ": threshold[" + i + "] = " + t[i] + " must be > 0");
                    ((JumpReluSae) sae).setThreshold(t);
                } else {
                    System.arraycopy(load(st, p.name(), p.shape()), 0, p.data(), 0, p.data().length);
                }
            }
        }
        return sae;
    }

    private static float[] load(SafeTensors st, String name, int[] shape) {
        if (!st.contains(name)) throw new FormatException(st.path() + ": missing tensor '" + name + "' (have " + st.entries().keySet() + ")");
        Tensor t = st.tensor(name);
        if (!Arrays.equals(t.shape(), shape))
            throw new FormatException(st.path() + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(shape) + " from cfg.json");
        return t.data();
    }

    static JsonNode readJson(Path p) {
        try {
            JsonNode n = JSON.readTree(p.toFile());
            if (n == null || !n.isObject()) throw new FormatException(p + ": not a JSON object");
            return n;
        } catch (IOException e) {
            String m = e.getMessage() == null ? "" : e.getMessage().split("\n")[0];
            throw new FormatException(p + ": invalid JSON (" + m + ")");
        }
    }

    /** Reads a v6 config, upgrading a pre-6.0 one first. */
    static SaeConfig parseConfig(Path p, JsonNode raw) {
        ObjectNode c = upgrade((ObjectNode) raw);
        int dIn = requireInt(p, c, "d_in"), dSae = requireInt(p, c, "d_sae");
        String arch = c.path("architecture").asText("standard");
        if (!List.of("standard", "topk", "jumprelu", "gated", "batchtopk").contains(arch))
            throw new FormatException(p + ": architecture '" + arch + "' is not supported (standard, topk, batchtopk, jumprelu, gated)");
        if (!c.path("apply_b_dec_to_input").asBoolean(true))
            throw new FormatException(p + ": apply_b_dec_to_input = false is not supported; Loupe SAEs always centre the input on b_dec");
        String norm = c.path("normalize_activations").asText("none");
        if (!norm.equals("none") && !norm.equals("expected_average_only_in"))
            throw new FormatException(p + ": normalize_activations '" + norm + "' is not supported (none or expected_average_only_in)");
        if (c.path("rescale_acts_by_decoder_norm").asBoolean(false))
            throw new FormatException(p + ": rescale_acts_by_decoder_norm = true is not supported");
        int k = 0;
        if (arch.equals("topk") || arch.equals("batchtopk")) {
            if (!c.has("k") || !c.get("k").isNumber()) throw new FormatException(p + ": architecture " + arch + " needs a numeric 'k'");
            k = (int) Math.round(c.get("k").asDouble());
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        if (c.has("meta") && c.get("meta").isObject()) meta = JSON.convertValue(c.get("meta"), Map.class);
        meta.entrySet().removeIf(e -> e.getValue() == null);
        try {
            return new SaeConfig(arch, dIn, dSae, k, false, meta);
        } catch (LoupeException e) {
            throw new FormatException(p + ": " + e.getMessage());
        }
    }

    private static int requireInt(Path p, JsonNode c, String key) {
        JsonNode v = c.get(key);
        if (v == null || !v.canConvertToInt() || v.asInt() < 1) throw new FormatException(p + ": '" + key + "' must be a positive integer, got " + v);
        return v.asInt();
    }

    /** A pre-6.0 config (no "meta", hook_name at top level or activation_fn_str) rewritten as v6. */
    static ObjectNode upgrade(ObjectNode c) {
        boolean old = !c.has("meta") && (c.has("hook_name") || c.has("activation_fn_str") || c.has("model_name"));
        if (!old) return c;
        ObjectNode v6 = c.deepCopy();
        ObjectNode meta = v6.putObject("meta");
        for (String k : OLD_META) if (c.has(k)) { meta.set(k, c.get(k)); v6.remove(k); }
        String fn = c.path("activation_fn_str").asText("relu");
        if (fn.equals("topk")) {
            v6.put("architecture", "topk");
            JsonNode k = c.path("activation_fn_kwargs").get("k");
            if (k != null) v6.set("k", k);
        } else if (!v6.has("architecture")) {
            v6.put("architecture", "standard");
        }
        v6.remove("activation_fn_str");
        v6.remove("activation_fn_kwargs");
        return v6;
    }

    /**
     * Writes a SAELens v6 folder. {@code log10Density} (may be null) becomes sparsity.safetensors.
     * The folder is created; files are replaced atomically one by one.
     */
    public static void write(Sae sae, Path dir, float[] log10Density) {
        Sae out = sae instanceof StandardSae st ? st.untie() : sae;
        SaeConfig c = out.config();
        String arch = out instanceof BatchTopKSae ? "jumprelu" : c.architecture();
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("architecture", arch).put("d_in", c.dIn()).put("d_sae", c.dSae()).put("dtype", "float32").put("device", "cpu")
                .put("apply_b_dec_to_input", true).put("normalize_activations", "none").put("reshape_activations", "none");
        if (arch.equals("topk")) cfg.put("k", c.k());
        ObjectNode meta = cfg.putObject("meta");
        c.meta().forEach((k, v) -> meta.set(k, JSON.valueToTree(v)));
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (Param p : out.params()) {
            if (p.name().equals("log_threshold")) w.add("threshold", new Tensor(((JumpReluSae) out).threshold(), c.dSae()));
            else w.add(p.name(), new Tensor(p.data(), p.shape()));
        }
        if (out instanceof BatchTopKSae b) {
            float[] t = new float[c.dSae()];
            Arrays.fill(t, b.threshold());
            w.add("threshold", new Tensor(t, c.dSae()));
        }
        w.write(dir.resolve(WEIGHTS));
        dev.loupe.util.AtomicFiles.write(dir.resolve(CFG), tmp -> JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), cfg));
        if (log10Density != null) {
            if (log10Density.length != c.dSae()) throw new IllegalArgumentException("sparsity has " + log10Density.length + " entries, d_sae is " + c.dSae());
            new SafeTensorsWriter().add("sparsity", new Tensor(log10Density, c.dSae())).write(dir.resolve(SPARSITY));
        }
    }

    /** log10 feature density from sparsity.safetensors, or null when the folder has none. */
    public static float[] readSparsity(Path dir) {
        Path p = dir.resolve(SPARSITY);
        if (!Files.isRegularFile(p)) return null;
        try (SafeTensors st = SafeTensors.open(p)) {
            if (!st.contains("sparsity")) throw new FormatException(p + ": missing tensor 'sparsity'");
            return st.tensor("sparsity").data();
        }
    }
}
