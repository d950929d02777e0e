package dev.loupe.io;

import dev.loupe.testutil.Shared;
import dev.loupe.util.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class Llama2cCheckpointTest {
    private static final Path STORIES = Shared.path("models/stories260K/stories260K.bin");
    private static final Path DREAMS = Shared.path("models/aidreams260K/aidreams260K.bin");

    private static float floatAt(Path p, long floatIndex) throws IOException {
        byte[] all = Files.readAllBytes(p);
        return ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN).getFloat(28 + (int) (4 * floatIndex));
    }

    @Test
    void readsStories260K() throws IOException {
        var ck = Llama2cCheckpoint.read(STORIES);
        var h = ck.header();
        assertEquals(new Llama2cCheckpoint.Header(64, 172, 5, 8, 4, 512, 512, true), h);
        assertEquals(8, h.headSize());
        assertEquals(32, h.kvDim());
        // by hand: 512·64 + 5·(64 + 64·64 + 2·32·64 + 64·64 + 64 + 3·172·64) + 64 + 2·512·4 = 264128 floats
        assertEquals(264128, h.floatCount());
        assertEquals(28 + 4 * 264128, Files.size(STORIES));
        assertEquals(264128 - 4096, h.params());
        assertArrayEquals(new int[]{512, 64}, ck.tensor("tok_emb").shape());
        assertArrayEquals(new int[]{32, 64}, ck.layer(0, "wk").shape());
        assertArrayEquals(new int[]{64, 172}, ck.layer(4, "w2").shape());
        assertArrayEquals(new int[]{172, 64}, ck.layer(4, "w3").shape());
        assertFalse(ck.tensors().containsKey("wcls"));
        assertSame(ck.tensor("tok_emb"), ck.classifier());
        assertEquals(2 + 9 * 5, ck.tensors().size());
        // values land where the layout says: first of tok_emb, first of wq[0] and rms_final
        assertEquals(floatAt(STORIES, 0), ck.tensor("tok_emb").data()[0]);
        assertEquals(floatAt(STORIES, 32768 + 5 * 64), ck.layer(0, "wq").data()[0]);
        assertEquals(floatAt(STORIES, 32768 + 5L * 45440), ck.tensor("rms_final").data()[0]);
        assertEquals(floatAt(STORIES, 32768 + 5L * 45440 + 63), ck.tensor("rms_final").data()[63]);
    }

    @Test
    void readsAidreams260K() {
        var ck = Llama2cCheckpoint.read(DREAMS);
        assertEquals(new Llama2cCheckpoint.Header(64, 172, 4, 4, 4, 512, 128, true), ck.header());
        // 512·64 + 4·(2·64 + 4·64·64 + 3·172·64) + 64 + 2·128·8 = 233024 floats
        assertEquals(233024, ck.header().floatCount());
        assertArrayEquals(new int[]{64, 64}, ck.layer(3, "wv").shape());
        assertEquals(Llama2cCheckpoint.readHeader(DREAMS), ck.header());
    }

    /** Untied model with every float equal to its index after the header, so each tensor's position is visible. */
    private static byte[] synthetic(int dim, int hidden, int layers, int heads, int kvHeads, int vocab, int seq, boolean untied, long floats) {
        ByteBuffer b = ByteBuffer.allocate((int) (28 + 4 * floats)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(dim).putInt(hidden).putInt(layers).putInt(heads).putInt(kvHeads).putInt(untied ? -vocab : vocab).putInt(seq);
        for (int i = 0; i < floats; i++) b.putFloat(i);
        return b.array();
    }

    @Test
    void readsSyntheticUntiedCheckpoint(@TempDir Path dir) throws IOException {
        // dim 8, hidden 12, 2 layers, 2 heads, 1 kv head (kv_dim 4, head 4), vocab 10, seq 3
        // per layer: 8 + 64 + 32 + 32 + 64 + 8 + 3·96 = 496; total 80 + 992 + 8 + 2·3·2 + 80 = 1172
        Path p = dir.resolve("untied.bin");
        Files.write(p, synthetic(8, 12, 2, 2, 1, 10, 3, true, 1172));
        var ck = Llama2cCheckpoint.read(p);
        assertFalse(ck.header().sharedClassifier());
        assertEquals(10, ck.header().vocabSize());
        assertEquals(1172, ck.header().floatCount());
        assertEquals(0f, ck.tensor("tok_emb").get(0, 0));
        assertEquals(80f, ck.layer(0, "rms_att").data()[0]);
        assertEquals(88f, ck.layer(1, "rms_att").data()[0]);
        assertEquals(96f, ck.layer(0, "wq").data()[0]);
        assertEquals(96f + 2 * 64, ck.layer(0, "wk").data()[0]);
        assertEquals(96f + 2 * 64 + 2 * 32 + 8 + 1, ck.layer(0, "wv").get(1, 1)); // wv[0] row 1 (rows are dim=8 wide), col 1
        assertArrayEquals(new int[]{4, 8}, ck.layer(1, "wv").shape());
        assertEquals(80f + 992, ck.tensor("rms_final").data()[0]);
        assertEquals(1172f - 80, ck.tensor("wcls").data()[0]);
        assertEquals(1171f, ck.classifier().get(9, 7));
    }

    private static void fails(Path p, String... fragments) {
        var e = assertThrows(FormatException.class, () -> Llama2cCheckpoint.read(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
    }

    @Test
    void sizeMismatchesNameExpectedAndActualBytes(@TempDir Path dir) throws IOException {
        byte[] good = synthetic(8, 12, 2, 2, 1, 10, 3, true, 1172);
        Path truncated = dir.resolve("t.bin"), trailing = dir.resolve("x.bin");
        Files.write(truncated, Arrays.copyOf(good, good.length - 4));
        Files.write(trailing, Arrays.copyOf(good, good.length + 12));
        fails(truncated, String.valueOf(good.length), String.valueOf(good.length - 4), "truncated");
        fails(trailing, String.valueOf(good.length), "12 trailing bytes");
    }

    @Test
    void badHeaders(@TempDir Path dir) throws IOException {
        Path p = dir.resolve("h.bin");
        Files.write(p, synthetic(9, 12, 2, 2, 1, 10, 3, false, 0));
        fails(p, "dim 9 is not divisible by n_heads 2");
        Files.write(p, synthetic(8, 12, 2, 4, 3, 10, 3, false, 0));
        fails(p, "n_kv_heads 3 does not divide n_heads 4");
        Files.write(p, synthetic(8, 0, 2, 2, 1, 10, 3, false, 0));
        fails(p, "positive", "hidden_dim=0");
        Files.write(p, new byte[10]);
        fails(p, "too short");
        ByteBuffer magic = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN).putInt(0x616b3432).putInt(1);
        Files.write(p, magic.array());
        fails(p, "ak42", "version 0");
    }

    @Test
    void lyingHugeHeaderFailsBeforeAllocating(@TempDir Path dir) throws IOException {
        // claims a ~2^60-byte model in a 28-byte file: must be a size error, not an OOM
        Path p = dir.resolve("lie.bin");
        Files.write(p, synthetic(1 << 30, 1 << 30, 1 << 20, 1 << 10, 1 << 10, 1 << 30, 1 << 20, false, 0));
        fails(p, "2^63");
        Files.write(p, synthetic(1 << 14, 1 << 16, 64, 128, 8, 1 << 17, 4096, false, 0));
        fails(p, "implies", "but the file has 28");
    }
}
