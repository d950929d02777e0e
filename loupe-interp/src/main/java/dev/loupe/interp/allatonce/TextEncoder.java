package dev.loupe.interp.allatonce;

/** Encodes prompt text to the simulator LM's token ids (no BOS added; the simulator adds none). */
@FunctionalInterface
public interface TextEncoder {
    int[] encode(String text);
}
