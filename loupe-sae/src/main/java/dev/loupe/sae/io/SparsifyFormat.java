package dev.loupe.sae.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loupe.io.SafeTensors;
import dev.loupe.sae.SaeConfig;
import dev.loupe.sae.TopKSae;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.FormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reader for EleutherAI sparsify SAE folders (one per hook: {@code cfg.json} with num_latents or
 * expansion_factor, k, d_in; {@code sae.safetensors} with encoder.weight [num_latents, d_in],
 * encoder.bias [num_latents], W_dec [num_latents, d_in], b_dec [d_in]). Sparsify's forward is
 * ReLU(encoder(x − b_dec)) then top-k, so the result is a {@link TopKSae} with W_enc = encoder.weightᵀ.
 * Not supported (clear error): skip connections (W_skip) and transcoders (no b_dec centring).
 */
public final class SparsifyFormat {
    public static final String CFG = "cfg.json", WEIGHTS = "sae.safetensors";

    private SparsifyFormat() {}

    public static boolean looksLike(Path dir) { return Files.isRegularFile(dir.resolve(WEIGHTS)); }

    public static TopKSae read(Path dir) {
        if (!Files.isDirectory(dir)) throw new FormatException(dir + ": not a folder (a sparsify SAE is a folder with " + CFG + " and " + WEIGHTS + ")");
        Path cfgPath = dir.resolve(CFG), wPath = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(wPath)) {
            String hint = "";
            try (Stream<Path> s = Files.list(dir)) {
                var subs = s.filter(q -> Files.isRegularFile(q.resolve(WEIGHTS))).map(q -> q.getFileName().toString()).sorted().limit(5).toList();
                if (!subs.isEmpty()) hint = "; pick one hook sub-folder, e.g. " + dir.resolve(subs.get(0)) + " (have " + subs + ")";
            } catch (IOException ignored) { }
            throw new FormatException(dir + ": no " + WEIGHTS + hint);
        }
        if (!Files.isRegularFile(cfgPath)) throw new FormatException(dir + ": no " + CFG + " next to " + WEIGHTS);
        JsonNode c = SaeLensFormat.readJson(cfgPath);
        if (c.path("transcode").asBoolean(false)) throw new FormatException(cfgPath + ": transcoders (transcode = true) are not supported");
        if (c.path("skip_connection").asBoolean(false)) throw new FormatException(cfgPath + ": skip_connection = true (W_skip) is not supported");
        JsonNode kn = c.get("k");
        if (kn == null || !kn.canConvertToInt() || kn.asInt() < 1) throw new FormatException(cfgPath + ": 'k' must be a positive integer, got " + kn);
        try (SafeTensors st = SafeTensors.open(wPath)) {
            for (String name : new String[]{"encoder.weight", "encoder.bias", "W_dec", "b_dec"})
                if (!st.contains(name)) throw new FormatException(wPath + ": missing tensor '" + name + "' (have " + st.entries().keySet() + ")");
            if (st.contains("W_skip")) throw new FormatException(wPath + ": has W_skip (skip connection), which is not supported");
            Tensor enc = st.tensor("encoder.weight");
            if (enc.rank() != 2) throw new FormatException(wPath + ": encoder.weight must be [num_latents, d_in], got " + Arrays.toString(enc.shape()));
            int m = enc.dim(0), d = enc.dim(1);
            if (c.has("d_in") && c.get("d_in").asInt() != d) throw new FormatException(cfgPath + ": d_in " + c.get("d_in") + " disagrees with encoder.weight " + Arrays.toString(enc.shape()));
            if (c.has("num_latents") && c.get("num_latents").asInt() > 0 && c.get("num_latents").asInt() != m)
                throw new FormatException(cfgPath + ": num_latents " + c.get("num_latents") + " disagrees with encoder.weight " + Arrays.toString(enc.shape()));
            if (kn.asInt() > m) throw new FormatException(cfgPath + ": k = " + kn.asInt() + " exceeds num_latents " + m);
            TopKSae sae = new TopKSae(new SaeConfig("topk", d, m, kn.asInt(), false, Map.of("source", "sparsify")));
            float[] wEnc = sae.param("W_enc").data(), e = enc.data();
            for (int i = 0; i < m; i++) for (int j = 0; j < d; j++) wEnc[j * m + i] = e[i * d + j];
            copy(st, "encoder.bias", new int[]{m}, sae.param("b_enc").data());
            copy(st, "W_dec", new int[]{m, d}, sae.param("W_dec").data());
            copy(st, "b_dec", new int[]{d}, sae.param("b_dec").data());
            return sae;
        }
    }

    private static void copy(SafeTensors st, String name, int[] shape, float[] into) {
        Tensor t = st.tensor(name);
        if (!Arrays.equals(t.shape(), shape))
            throw new FormatException(st.path() + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape()) + ", expected " + Arrays.toString(shape));
        System.arraycopy(t.data(), 0, into, 0, into.length);
    }
}
