package dev.loupe.interp.allatonce;

import dev.loupe.interp.Simulator;
import dev.loupe.interp.prompt.FewShotExamples;
import dev.loupe.interp.prompt.SimulationPrompt;
import java.util.ArrayList;
import java.util.List;

/**
 * Bills et al.'s "all at once" simulator on an in-process causal LM: one forward pass over the
 * simulation prompt per excerpt; at each slot, the next-token distribution restricted to "0".."10"
 * gives the expected activation. Exact — no API logprobs needed.
 *
 * <p>The prompt is encoded in pieces split at the slots (text before the first {@code unknown}, then
 * from each {@code unknown} to the next), so each slot's read-out position is the last token of a
 * piece. Encoding pieces separately can differ from encoding the whole text at a piece boundary; the
 * boundaries sit right after a tab, which BPE tokenizers in practice keep as its own token or merge
 * only with preceding whitespace.
 */
public final class AllAtOnceSimulator implements Simulator {
    private final NextTokenModel model;
    private final TextEncoder encoder;
    private final int[] digitIds;
    private final String explanation;
    private final List<FewShotExamples.Example> examples;

    public AllAtOnceSimulator(NextTokenModel model, TextEncoder encoder, int[] digitIds, String explanation,
                              List<FewShotExamples.Example> examples) {
        if (digitIds.length != DigitExpectation.LEVELS) throw new IllegalArgumentException("need 11 digit token ids, got " + digitIds.length);
        this.model = model;
        this.encoder = encoder;
        this.digitIds = digitIds.clone();
        this.explanation = explanation;
        this.examples = List.copyOf(examples);
    }

    /** Token ids of the prompt and, per excerpt token, the position whose next-token logits are read. */
    public record Encoded(int[] ids, int[] positions) {}

    public Encoded encode(String[] tokens) {
        SimulationPrompt.SlotPrompt sp = SimulationPrompt.slots(explanation, tokens, examples);
        List<int[]> pieces = new ArrayList<>();
        int[] positions = new int[tokens.length];
        int from = 0, total = 0;
        for (int s = 0; s < sp.slotOffsets().length; s++) {
            int[] p = encoder.encode(sp.text().substring(from, sp.slotOffsets()[s]));
            pieces.add(p);
            total += p.length;
            if (total == 0) throw new IllegalArgumentException("simulation prompt encodes to no tokens before slot " + s);
            positions[s] = total - 1;
            from = sp.slotOffsets()[s];
        }
        int[] tail = encoder.encode(sp.text().substring(from));
        pieces.add(tail);
        total += tail.length;
        int[] ids = new int[total];
        int k = 0;
        for (int[] p : pieces) { System.arraycopy(p, 0, ids, k, p.length); k += p.length; }
        return new Encoded(ids, positions);
    }

    @Override public double[] simulate(String[] tokens) {
        if (tokens.length == 0) return new double[0];
        Encoded e = encode(tokens);
        float[][] logits = model.logitsAt(e.ids(), e.positions());
        double[] out = new double[tokens.length];
        for (int i = 0; i < out.length; i++) out[i] = DigitExpectation.fromLogits(logits[i], digitIds);
        return out;
    }
}
