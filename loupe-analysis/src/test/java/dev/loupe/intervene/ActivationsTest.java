package dev.loupe.intervene;

import dev.loupe.model.Transformer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ActivationsTest {
    @Test void rowsOfMixedLengthSequencesComeOutInOrder() {
        Transformer m = TestModels.loupe1l();
        int[][] seqs = {{1, 2, 3}, {4, 5, 6}, {7, 8}, {9, 10, 11, 12}};
        var rows = Activations.collect(m, "blocks.0.hook_resid_mid", seqs, 2);
        assertEquals(12, rows.n());
        assertEquals(128, rows.width());
        int at = 0;
        for (int[] s : seqs) {
            float[] one = m.runWithCache(new int[][]{s}, List.of("blocks.0.hook_resid_mid")).get("blocks.0.hook_resid_mid").data();
            float[] got = Arrays.copyOfRange(rows.data(), at * 128, (at + s.length) * 128);
            assertArrayEquals(one, got, 1e-5f);
            at += s.length;
        }
    }
}
