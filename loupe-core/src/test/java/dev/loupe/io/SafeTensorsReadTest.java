package dev.loupe.io;

import dev.loupe.tensor.Tensor;
import dev.loupe.testutil.Shared;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class SafeTensorsReadTest {
    @Test
    void readsGpt2FixtureWeights() {
        try (SafeTensors st = SafeTensors.open(Shared.path("fixtures/models/gpt2-tiny/model.safetensors"))) {
            Tensor wte = st.tensor("transformer.wte.weight");
            assertArrayEquals(new int[]{256, 64}, wte.shape());
            assertTrue(st.entries().size() > 10);
        }
    }

    @Test
    void decodesBf16AndBoolAndScalars() {
        try (SafeTensors st = SafeTensors.open(Shared.path("fixtures/models/llama-tiny-bf16/model.safetensors"))) {
            SafeTensors.Entry e = st.entry("model.embed_tokens.weight");
            assertEquals(DType.BF16, e.dtype());
            float[] v = st.tensor("model.embed_tokens.weight").data();
            // bf16 values have zero low mantissa bits after the upcast
            for (int i = 0; i < 100; i++) assertEquals(0, Float.floatToRawIntBits(v[i]) & 0xffff);
        }
        try (SafeTensors st = SafeTensors.open(Shared.path("fixtures/models/pythia-tiny-parallel/model.safetensors"))) {
            assertEquals(DType.BOOL, st.entry("gpt_neox.layers.0.attention.bias").dtype());
            assertEquals(0, st.entry("gpt_neox.layers.0.attention.masked_bias").shape().length);
        }
    }
}
