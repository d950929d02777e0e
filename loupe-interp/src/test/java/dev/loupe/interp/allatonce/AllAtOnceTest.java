package dev.loupe.interp.allatonce;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.interp.prompt.FewShotExamples;
import dev.loupe.interp.prompt.SimulationPrompt;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AllAtOnceTest {
    static final float NEG = Float.NEGATIVE_INFINITY;

    @Test void expectedValueFromLogitsRestrictsAndRenormalises() {
        int[] ids = new int[11];
        for (int k = 0; k < 11; k++) ids[k] = 5 + k;  // digits live at ids 5..15 of a 20-token vocabulary
        float[] logits = new float[20];
        Arrays.fill(logits, NEG);
        logits[0] = 50;                  // a non-digit token with most of the mass: ignored
        logits[5 + 3] = (float) Math.log(3);
        logits[5 + 7] = 0;               // p(3) = 3/4, p(7) = 1/4
        assertEquals(3 * 0.75 + 7 * 0.25, DigitExpectation.fromLogits(logits, ids), 1e-6);
        float[] uniform = new float[20];  // all equal: EV of uniform 0..10 = 5
        assertEquals(5.0, DigitExpectation.fromLogits(uniform, ids), 1e-9);
        ids[10] = -1;                    // no single token for "10": uniform over 0..9
        assertEquals(4.5, DigitExpectation.fromLogits(uniform, ids), 1e-9);
    }

    @Test void expectedValueFromTopLogprobs() {
        // p("1") + p(" 1") = 0.6, p("2") = 0.2, "a" ignored → (1·0.6 + 2·0.2) / 0.8
        Map<String, Double> top = Map.of("1", Math.log(0.5), " 1", Math.log(0.1), "2", Math.log(0.2), "a", Math.log(0.2));
        assertEquals(1.25, DigitExpectation.fromTopLogprobs(top).getAsDouble(), 1e-12);
        assertEquals(10.0, DigitExpectation.fromTopLogprobs(Map.of("10", -0.1, "x", -1.0)).getAsDouble(), 1e-12);
        assertTrue(DigitExpectation.fromTopLogprobs(Map.of("unknown", -0.1)).isEmpty());
        assertEquals(-1, DigitExpectation.level("11"));
        assertEquals(-1, DigitExpectation.level("05"));
        assertEquals(0, DigitExpectation.level(" 0"));
    }

    @Test void digitIdsAreTheTokenAddedAfterATab() {
        // char-level: "10" takes two tokens → -1
        int[] ids = DigitExpectation.digitIds(AllAtOnceTest::chars);
        assertEquals('7', ids[7]);
        assertEquals(-1, ids[10]);
        // a SentencePiece-like encoder that prepends a prefix piece (id 999) and has a "10" token (id 500)
        TextEncoder sp = text -> {
            java.util.List<Integer> out = new java.util.ArrayList<>(java.util.List.of(999));
            for (int i = 0; i < text.length(); i++) {
                if (text.startsWith("10", i)) { out.add(500); i++; } else out.add((int) text.charAt(i));
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        };
        int[] spIds = DigitExpectation.digitIds(sp);
        assertEquals('0', spIds[0]);
        assertEquals(500, spIds[10]);
    }

    /** Character-level "tokenizer": id = char code, so piecewise encoding is exact and checkable. */
    static int[] chars(String s) { return s.chars().toArray(); }

    @Test void simulatorReadsEachSlotAfterTheTab() {
        String[] tokens = {" cat", " sat", " on", " mats"};
        int[] digitIds = new int[11];
        for (int k = 0; k < 10; k++) digitIds[k] = '0' + k;
        digitIds[10] = -1;
        String expectedText = SimulationPrompt.slots("cats", tokens).text();
        NextTokenModel fake = (ids, positions) -> {
            assertArrayEquals(chars(expectedText), ids);
            float[][] out = new float[positions.length][128];
            for (int s = 0; s < positions.length; s++) {
                assertEquals('\t', ids[positions[s]]);
                // put all digit mass on (length of the token before the tab) so each slot is identifiable
                int p = positions[s] - 1, len = 0;
                while (ids[p] != '\n') { len++; p--; }
                Arrays.fill(out[s], NEG);
                out[s]['u'] = 10;  // the model's favourite next token is "unknown": must be ignored
                out[s]['0' + len] = 0;
            }
            return out;
        };
        AllAtOnceSimulator sim = new AllAtOnceSimulator(fake, AllAtOnceTest::chars, digitIds, "cats", FewShotExamples.DEFAULT);
        assertArrayEquals(new double[] {4, 4, 3, 5}, sim.simulate(tokens), 1e-9);
    }
}
