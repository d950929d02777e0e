package dev.loupe.sae.io;

import dev.loupe.util.Rng;

import dev.loupe.io.SafeTensorsWriter;
import dev.loupe.sae.*;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class SaeFormatsTest {
    static final int D = 6, S = 12;

    static Sae random(String variant) {
        SaeConfig cfg = switch (variant) {
            case "tied" -> new SaeConfig("standard", D, S, 0, true, Map.of("hook_name", "blocks.0.hook_resid_pre"));
            case "topk", "batchtopk" -> SaeConfig.of(variant, D, S, 3, false);
            default -> SaeConfig.of(variant, D, S, 0, false);
        };
        Rng r = new Rng(5);
        Sae sae = Saes.init(cfg, r, 0.1);
        for (Param p : sae.params()) for (int i = 0; i < p.data().length; i++) p.data()[i] += (float) (0.2 * r.nextGaussian());
        if (sae instanceof BatchTopKSae b) {   // learn a threshold
            float[][] g = new float[b.params().size()][];
            for (int i = 0; i < g.length; i++) g[i] = new float[b.params().get(i).data().length];
            b.step(x(), 4, new StepCoefficients(0, 0, 0), null, g, new boolean[S]);
            assertTrue(b.threshold() > 0);
        }
        return sae;
    }

    static float[] x() {
        Rng r = new Rng(9);
        float[] x = new float[4 * D];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    @ParameterizedTest
    @ValueSource(strings = {"standard", "tied", "topk", "batchtopk", "jumprelu", "gated"})
    void saeLensRoundTrip(String variant, @TempDir Path dir) {
        Sae sae = random(variant);
        float[] sparsity = new float[S];
        for (int i = 0; i < S; i++) sparsity[i] = -i / 3f;
        SaeLensFormat.write(sae, dir, sparsity);
        Sae back = SaeLensFormat.read(dir);
        String expectArch = switch (variant) { case "tied" -> "standard"; case "batchtopk" -> "jumprelu"; default -> variant; };
        assertEquals(expectArch, back.kind());
        Tensor xt = new Tensor(x(), 4, D);
        assertArrayEquals(sae.encode(xt).data(), back.encode(xt).data(), 1e-6f);
        assertArrayEquals(sae.decode(sae.encode(xt)).data(), back.decode(back.encode(xt)).data(), 1e-5f);
        assertArrayEquals(sae.wDec(), back.wDec());
        assertArrayEquals(sparsity, SaeLensFormat.readSparsity(dir));
        if (variant.equals("tied")) assertEquals("blocks.0.hook_resid_pre", back.config().meta().get("hook_name"));
    }

    @Test
    void preV6ConfigIsUpgraded(@TempDir Path dir) throws Exception {
        Sae sae = random("topk");
        SaeLensFormat.write(sae, dir, null);
        Files.writeString(dir.resolve("cfg.json"), """
                {"d_in": 6, "d_sae": 12, "model_name": "gpt2", "hook_name": "blocks.8.hook_resid_pre", "hook_layer": 8,
                 "activation_fn_str": "topk", "activation_fn_kwargs": {"k": 3}, "apply_b_dec_to_input": true,
                 "normalize_activations": "none", "context_size": 128}""");
        Sae back = SaeLensFormat.read(dir);
        assertEquals("topk", back.kind());
        assertEquals(3, back.config().k());
        assertEquals("blocks.8.hook_resid_pre", back.config().meta().get("hook_name"));
        assertEquals(8, back.config().meta().get("hook_layer"));
        Tensor xt = new Tensor(x(), 4, D);
        assertArrayEquals(sae.encode(xt).data(), back.encode(xt).data());
        Files.writeString(dir.resolve("cfg.json"), "{\"d_in\": 6, \"d_sae\": 12, \"hook_name\": \"h\", \"activation_fn_str\": \"relu\"}");
        assertEquals("standard", SaeLensFormat.read(dir).kind());
    }

    @Test
    void sparsifyFolderReadsAsTopK(@TempDir Path dir) throws Exception {
        int m = 5, d = 3, k = 2;
        float[] enc = {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, -1, 0, 1};   // [m, d]
        float[] bias = {0, 0.1f, -0.1f, 0, 0.5f};
        float[] wDec = new float[m * d];
        for (int i = 0; i < wDec.length; i++) wDec[i] = i / 10f;
        float[] bDec = {0.5f, -0.5f, 0};
        new SafeTensorsWriter().add("encoder.weight", new Tensor(enc, m, d)).add("encoder.bias", new Tensor(bias, m))
                .add("W_dec", new Tensor(wDec, m, d)).add("b_dec", new Tensor(bDec, d)).write(dir.resolve("sae.safetensors"));
        Files.writeString(dir.resolve("cfg.json"), "{\"expansion_factor\": 2, \"normalize_decoder\": true, \"num_latents\": 5, \"k\": 2, \"d_in\": 3}");
        TopKSae sae = SparsifyFormat.read(dir);
        float[] x = {1.5f, 0.5f, 2f};
        // by hand: x − b_dec = (1, 1, 2); pre = (1, 1.1, 1.9, 2, 1.5); top-2 → latents 3 (2.0) and 2 (1.9)
        float[] codes = sae.encode(new Tensor(x, 1, d)).data();
        assertArrayEquals(new float[]{0, 0, 1.9f, 2f, 0}, codes, 1e-6f);
        assertEquals(k, sae.config().k());
        Path nested = dir.getParent().resolve(dir.getFileName() + "-root");
        Files.createDirectories(nested.resolve("layers.6"));
        Files.copy(dir.resolve("sae.safetensors"), nested.resolve("layers.6/sae.safetensors"));
        var e = assertThrows(FormatException.class, () -> SparsifyFormat.read(nested));
        assertTrue(e.getMessage().contains("layers.6"), e.getMessage());
    }

    @Test
    void malformedFoldersGiveOneLineErrorsNamingTheProblem(@TempDir Path dir) throws Exception {
        assertTrue(assertThrows(FormatException.class, () -> SaeLensFormat.read(dir)).getMessage().contains("cfg.json"));
        SaeLensFormat.write(random("standard"), dir, null);
        Files.writeString(dir.resolve("cfg.json"), "{\"d_in\": 6, \"d_sae\": 13, \"architecture\": \"standard\", \"meta\": {}}");
        var shape = assertThrows(FormatException.class, () -> SaeLensFormat.read(dir));
        assertTrue(shape.getMessage().contains("W_enc") && shape.getMessage().contains("[6, 12]"), shape.getMessage());
        Files.writeString(dir.resolve("cfg.json"), "{\"d_in\": 6, \"d_sae\": 12, \"architecture\": \"jumprelu\", \"meta\": {}}");
        var missing = assertThrows(FormatException.class, () -> SaeLensFormat.read(dir));
        assertTrue(missing.getMessage().contains("'threshold'"), missing.getMessage());
        Files.writeString(dir.resolve("cfg.json"), "{\"d_in\": 6, ");
        assertTrue(assertThrows(FormatException.class, () -> SaeLensFormat.read(dir)).getMessage().contains("invalid JSON"));
        Files.writeString(dir.resolve("cfg.json"), "{\"d_in\": 6, \"d_sae\": 12, \"architecture\": \"matryoshka\", \"meta\": {}}");
        assertTrue(assertThrows(FormatException.class, () -> SaeLensFormat.read(dir)).getMessage().contains("matryoshka"));
        Files.writeString(dir.resolve("cfg.json"), "{\"d_sae\": 12, \"architecture\": \"standard\", \"meta\": {}}");
        assertTrue(assertThrows(FormatException.class, () -> SaeLensFormat.read(dir)).getMessage().contains("'d_in'"));
    }
}
