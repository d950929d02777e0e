// Example activations (V004): sparse (uint16 position, float32 value) pairs when shorter than dense
// float32, told apart by length alone; both decode to the same values, and damaged blobs are refused.
package dev.loupe.store;

import dev.loupe.util.FormatException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class BlobsTest {
    @Test
    void mostlyZeroWindowsAreStoredSparse() {
        float[] acts = {0f, 1.5f, 0f, 0f, -0.25f, 0f};
        byte[] blob = Blobs.activations(acts);
        // two pairs: (1, 1.5) and (4, -0.25), little-endian
        assertArrayEquals(new byte[] {1, 0, 0, 0, (byte) 0xC0, 0x3F, 4, 0, 0, 0, (byte) 0x80, (byte) 0xBE}, blob);
        assertArrayEquals(acts, Blobs.toActivations(blob, 6, "t"));
        assertArrayEquals(new float[4], Blobs.toActivations(Blobs.activations(new float[4]), 4, "t"), "all zero: an empty blob");
        assertEquals(0, Blobs.activations(new float[4]).length);
    }

    @Test
    void denseWhenSparseIsNotShorter() {
        float[] tie = {1f, 2f, 0f};   // 2 pairs = 12 bytes = dense 12 bytes: dense wins the tie
        assertArrayEquals(Blobs.floats(tie), Blobs.activations(tie));
        assertArrayEquals(tie, Blobs.toActivations(Blobs.activations(tie), 3, "t"));
    }

    @Test
    void damagedBlobsAreRefused() {
        FormatException e = assertThrows(FormatException.class, () -> Blobs.toActivations(new byte[7], 4, "examples.acts"));
        assertTrue(e.getMessage().contains("examples.acts") && e.getMessage().contains("7 bytes"), e.getMessage());
        byte[] outside = {9, 0, 0, 0, (byte) 0x80, 0x3F};   // position 9 in a 4-token window
        e = assertThrows(FormatException.class, () -> Blobs.toActivations(outside, 4, "examples.acts"));
        assertTrue(e.getMessage().contains("position 9"), e.getMessage());
    }
}
