package dev.loupe.interp.prompt;

import static org.junit.jupiter.api.Assertions.*;

import dev.loupe.interp.ActivationRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptFormatTest {
    static final ActivationRecord A = new ActivationRecord(new String[] {" the", " cat", " sat"}, new float[] {0, 2, -1});
    static final ActivationRecord B = new ActivationRecord(new String[] {" a", " dog"}, new float[] {0.5f, 4});

    @Test void recordsFormatMatchesBillsLayout() {
        // max over both records = 4: levels A = [0, 5, 0], B = [1, 10]
        assertEquals("\n<start>\n the\t0\n cat\t5\n sat\t0\n<end>\n<start>\n a\t1\n dog\t10\n<end>\n",
                ActivationFormat.records(List.of(A, B), 4, false));
        assertEquals("\n<start>\n cat\t5\n<end>\n<start>\n a\t1\n dog\t10\n<end>\n",
                ActivationFormat.records(List.of(A, B), 4, true));
        assertEquals("\n<start>\nx\tunknown\ny\tunknown\n<end>\n", ActivationFormat.unknowns(new String[] {"x", "y"}));
    }

    @Test void explanationPromptRepeatsNonZeroOnlyWhenSparse() {
        // 1 non-zero of 10 tokens (10% < 20%): repeated list present
        ActivationRecord sparse = new ActivationRecord(new String[] {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"},
                new float[] {0, 0, 0, 3, 0, 0, 0, 0, 0, 0});
        Prompt p = ExplanationPrompt.build(List.of(sparse), List.of());
        assertEquals(2, p.messages().size());
        String user = p.messages().get(1).content();
        assertTrue(user.contains("\nSame excerpts, non-zero activations only:\n<start>\nd\t10\n<end>\n"), user);
        assertTrue(user.endsWith("\nExplanation of neuron 1 behavior: the main thing this neuron does is find"));
        // 2 of 3 non-zero: no repeat
        String dense = ExplanationPrompt.build(List.of(A), List.of()).messages().get(1).content();
        assertFalse(dense.contains("non-zero activations only"));
        assertTrue(dense.startsWith("\n\nNeuron 1\nActivations:\n<start>\n the\t0\n cat\t10\n sat\t0\n<end>\n"), dense);
    }

    @Test void explanationPromptCarriesFewShotUnitsThenTheTarget() {
        Prompt p = ExplanationPrompt.build(List.of(A));
        int n = FewShotExamples.DEFAULT.size();
        assertEquals(1 + 2 * n + 1, p.messages().size());
        assertEquals(ChatMessage.Role.SYSTEM, p.messages().get(0).role());
        assertEquals(" " + FewShotExamples.DEFAULT.get(0).explanation() + ".", p.messages().get(2).content());
        assertTrue(p.messages().get(2 * n + 1).content().contains("Neuron " + (n + 1) + "\n"));
        assertTrue(p.flat().endsWith(ExplanationPrompt.PREFIX));
    }

    @Test void completionParsing() {
        assertEquals("words about cats", ExplanationPrompt.parseCompletion(" words about cats.\n"));
        assertEquals("words about cats", ExplanationPrompt.parseCompletion("the main thing this neuron does is find words about cats."));
        assertEquals("x", ExplanationPrompt.parseCompletion(" x.\nNeuron 5"));
    }

    @Test void chatSimulationPromptHasFewShotTurnsAndEndsWithTheUserTurn() {
        Prompt lines = SimulationPrompt.chat("cats", new String[] {" a", " cat"}, false);
        int turns = FewShotExamples.DEFAULT.stream().mapToInt(e -> e.records().size()).sum();
        assertEquals(1 + 2 * turns + 1, lines.messages().size());
        ChatMessage last = lines.messages().get(lines.messages().size() - 1);
        assertEquals(ChatMessage.Role.USER, last.role());
        assertTrue(last.content().endsWith("the main thing this neuron does is find cats\nActivations:\n<start>\n a\tunknown\n cat\tunknown\n<end>\n"), last.content());
        // first few-shot answer: the unit's max over both its records is 5.2, so " jars" (4.8) → floor(48 / 5.2) = 9
        assertTrue(lines.messages().get(2).content().contains(" jars\t9\n"), lines.messages().get(2).content());
        Prompt json = SimulationPrompt.chat("cats", new String[] {" a"}, true);
        assertTrue(json.messages().get(2).content().startsWith("{\"activations\": [0, 0, 0, 0, 0, 2, 9,"), json.messages().get(2).content());
    }

    @Test void simulationSlotsPointAtEachUnknown() {
        String[] tokens = {" The", "\tcat", " sat", "<end>"};
        SimulationPrompt.SlotPrompt sp = SimulationPrompt.slots("cats", tokens);
        assertEquals(tokens.length, sp.slotOffsets().length);
        for (int i = 0; i < tokens.length; i++) {
            int o = sp.slotOffsets()[i];
            assertTrue(sp.text().startsWith("unknown\n", o));
            assertEquals('\t', sp.text().charAt(o - 1));
            assertTrue(sp.text().substring(0, o - 1).endsWith("\n" + tokens[i]), "slot " + i);
        }
        assertTrue(sp.text().contains("Explanation of neuron 4 behavior: the main thing this neuron does is find cats\nActivations:\n<start>\n The\tunknown"));
        assertTrue(sp.text().endsWith("<end>\tunknown\n<end>\n"));
    }
}
