package dev.loupe.interp.allatonce;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.interp.Explanation;
import dev.loupe.interp.InterpFailure;
import dev.loupe.interp.Simulator;
import dev.loupe.interp.prompt.SimulationPrompt;
import dev.loupe.model.Transformer;
import dev.loupe.model.TransformerConfig;
import dev.loupe.tensor.Tensor;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;
import dev.loupe.model.arch.ModelLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The in-process all-at-once simulator on the built-in model (loupe-1l, its learned positions tiled
 * from 128 to 512 so Bills's prompt fits; the token weights are the trained ones, so the logits are
 * far from uniform) against a direct computation:
 * encode the whole prompt at once, run the engine, softmax over the full vocabulary at the token just
 * before each slot, keep the tokens "0".."10", renormalise, take the expected value.
 */
class EngineNextTokenModelTest {
    static final Path MODEL = Path.of("..", "models", "loupe-1l");
    static Transformer model, short128;
    static Tokenizer tok;

    @BeforeAll static void load() {
        short128 = ModelLoader.load(MODEL);
        tok = Tokenizers.load(MODEL.resolve("tokenizer.json"));
        model = withContext(short128, 512);
    }

    /** The same model with its position table repeated to {@code ctx} rows. */
    static Transformer withContext(Transformer m, int ctx) {
        TransformerConfig c = m.config();
        TransformerConfig longer = new TransformerConfig(c.name(), c.nLayers(), c.dModel(), c.nHeads(), c.nKvHeads(), c.dHead(), c.dMlp(),
                c.vocab(), ctx, c.normalization(), c.eps(), c.positional(), c.rotaryDim(), c.rotaryStyle(), c.rotaryBase(), c.parallelAttnMlp(),
                c.gatedMlp(), c.act(), c.attnScale(), c.tiedEmbeddings(), c.qkvBias(), c.attnOutBias(), c.mlpBias());
        Map<String, Tensor> w = new HashMap<>(m.weights());
        float[] pos = w.get("pos_embed.W_pos").data(), tiled = new float[ctx * c.dModel()];
        for (int i = 0; i < tiled.length; i++) tiled[i] = pos[i % pos.length];
        w.put("pos_embed.W_pos", new Tensor(tiled, ctx, c.dModel()));
        return Transformer.create(longer, w);
    }

    @Test void expectedValuesEqualADirectComputationFromTheLogits() {
        String[] tokens = {" int", " count", " =", " 0", ";"};
        String explanation = "integer variables";
        EngineNextTokenModel engine = new EngineNextTokenModel(model, tok, true, "loupe-1l");
        Simulator sim = engine.simulators(List.of()).forExplanation(Explanation.ofText(explanation));
        double[] got = sim.simulate(tokens);

        SimulationPrompt.SlotPrompt sp = SimulationPrompt.slots(explanation, tokens, List.of());
        int[] whole = tok.encode(sp.text(), false);
        int[] in = new int[whole.length + (tok.bosId().isPresent() ? 1 : 0)];
        int shift = in.length - whole.length;
        if (shift == 1) in[0] = tok.bosId().getAsInt();
        System.arraycopy(whole, 0, in, shift, whole.length);
        assertTrue(in.length <= model.config().nCtx(), "prompt of " + in.length + " tokens fits the context");
        Tensor logits = model.forward(new int[][] {in});
        int vocab = model.config().vocab();
        assertEquals(tokens.length, got.length);
        for (int s = 0; s < tokens.length; s++) {
            int pos = lastTokenEndingAt(whole, sp.slotOffsets()[s]);
            double z = 0, ev = 0, digitMass = 0, max = Double.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) max = Math.max(max, logits.data()[(pos + shift) * vocab + v]);
            for (int v = 0; v < vocab; v++) z += Math.exp(logits.data()[(pos + shift) * vocab + v] - max);
            for (int k = 0; k <= 10; k++) {
                int[] ids = tok.encode(Integer.toString(k), false);
                if (ids.length != 1) continue;  // a level spelled with two tokens gets no mass
                double p = Math.exp(logits.data()[(pos + shift) * vocab + ids[0]] - max) / z;
                digitMass += p;
                ev += k * p;
            }
            assertEquals(ev / digitMass, got[s], 1e-5, "slot " + s);
            assertTrue(got[s] >= 0 && got[s] <= 10);
        }
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (double g : got) { lo = Math.min(lo, g); hi = Math.max(hi, g); }
        assertTrue(hi - lo > 1e-3, "trained weights give slot-dependent values, not a constant: " + java.util.Arrays.toString(got));
    }

    /** Index of the token of {@code ids} whose decoded text ends exactly at character {@code offset}. */
    private static int lastTokenEndingAt(int[] ids, int offset) {
        for (int i = 0; i < ids.length; i++) {
            int len = tok.decode(java.util.Arrays.copyOf(ids, i + 1), false).length();
            if (len == offset) return i;
            if (len > offset) break;
        }
        throw new AssertionError("no token boundary at offset " + offset + " of the prompt");
    }

    @Test void promptLongerThanTheContextFailsTheFeatureNotTheRun() {
        EngineNextTokenModel engine = new EngineNextTokenModel(model, tok, true, "loupe-1l");  // context 512: a 64-token excerpt fits
        String[] tokens = new String[200];
        java.util.Arrays.fill(tokens, " x");
        Simulator sim = engine.simulators(List.of()).forExplanation(Explanation.ofText("x"));
        InterpFailure e = assertThrows(InterpFailure.class, () -> sim.simulate(tokens));
        assertTrue(e.getMessage().contains("context of 512"), e.getMessage());
    }

    @Test void aModelTooShortForTheFewShotPromptIsRefusedUpFront() {
        EngineNextTokenModel engine = new EngineNextTokenModel(short128, tok, true, "loupe-1l");
        dev.loupe.util.ConfigException e = assertThrows(dev.loupe.util.ConfigException.class,
                () -> engine.simulators(dev.loupe.interp.prompt.FewShotExamples.DEFAULT));
        assertTrue(e.getMessage().matches("the all-at-once simulation prompt for a 64-token excerpt is \\d+ tokens \\(\\d+ few-shot examples\\) "
                + "but loupe-1l has a context of 128; use a model with a longer context \\(e.g. gpt2: 1024\\)"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
