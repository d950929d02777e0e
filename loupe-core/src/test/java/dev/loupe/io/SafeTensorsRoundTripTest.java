package dev.loupe.io;

import dev.loupe.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class SafeTensorsRoundTripTest {
    @Test
    void writesAndReadsBackEveryDtype(@TempDir Path dir) {
        Random r = new Random(7);
        float[] v = new float[3 * 5];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        Tensor t = new Tensor(v, 3, 5);
        Path f = dir.resolve("x.safetensors");
        new SafeTensorsWriter().metadata("format", "pt")
                .add("a", t).add("b", t, DType.F16).add("c", t, DType.BF16)
                .addLongs("ids", new long[]{1, 2, 50256}, DType.I64, 3)
                .write(f);
        try (SafeTensors st = SafeTensors.open(f)) {
            assertEquals("pt", st.metadata().get("format"));
            assertArrayEquals(v, st.tensor("a").data());
            float[] h = st.tensor("b").data(), b = st.tensor("c").data();
            for (int i = 0; i < v.length; i++) {
                assertEquals(v[i], h[i], Math.abs(v[i]) * 1e-3 + 1e-4);
                assertEquals(v[i], b[i], Math.abs(v[i]) * 8e-3 + 1e-6);
            }
            assertArrayEquals(new long[]{1, 2, 50256}, st.longs("ids"));
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertEquals((short) 0x3f80, SafeTensorsWriter.floatToBf16(1.0f));
        // 1 + 2^-8 is exactly halfway between bf16 1.0 and 1.0078125: ties to even (1.0)
        assertEquals((short) 0x3f80, SafeTensorsWriter.floatToBf16(Float.intBitsToFloat(0x3f808000)));
        assertEquals((short) 0x3f81, SafeTensorsWriter.floatToBf16(Float.intBitsToFloat(0x3f808001)));
    }
}
