package dev.loupe.interp.allatonce;

/**
 * Encodes prompt text to the simulator LM's token ids. {@link AllAtOnceSimulator} encodes the prompt
 * in consecutive pieces and concatenates them, so an implementation must encode a piece as a
 * continuation: no BOS and no SentencePiece dummy-prefix space per call (add the BOS once, in the
 * {@link NextTokenModel} adapter, if the model needs one).
 */
@FunctionalInterface
public interface TextEncoder {
    int[] encode(String text);
}
