package dev.loupe.io;

import dev.loupe.util.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** Malformed safetensors files: each must give a one-line FormatException naming file, tensor and problem. */
class SafeTensorsHardeningTest {
    @TempDir Path dir;

    /** A file with the given header JSON (unpadded) and {@code dataBytes} zero bytes of buffer. */
    private Path file(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        return raw(b.array());
    }

    private Path raw(byte[] bytes) throws IOException {
        Path p = Files.createTempFile(dir, "bad", ".safetensors");
        Files.write(p, bytes);
        return p;
    }

    private static String entry(String name, String dtype, String shape, long b, long e) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + b + "," + e + "]}";
    }

    /** Opens p expecting failure; asserts the message names the file and contains every fragment. */
    private static void fails(Path p, String... fragments) {
        FormatException e = assertThrows(FormatException.class, () -> SafeTensors.open(p).close());
        String m = e.getMessage();
        assertTrue(m.contains(p.toString()), m);
        assertFalse(m.contains("\n"), "one line: " + m);
        for (String f : fragments) assertTrue(m.contains(f), "expected '" + f + "' in: " + m);
    }

    @Test void tooShortForHeaderLength() throws IOException {
        fails(raw(new byte[]{1, 2, 3}), "truncated", "3 bytes");
    }

    @Test void dataShorterThanOffsets() throws IOException {
        fails(file("{" + entry("w", "F32", "[2,2]", 0, 16) + "}", 12), "'w'", "out of range", "12-byte");
    }

    @Test void headerLengthLargerThanFile() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).putLong(0);
        fails(raw(b.array()), "header length 1000", "larger than the file");
    }

    @Test void hugeHeaderLengthFailsFastWithoutAllocating() throws IOException {
        // 16-byte file claiming a 10 GB header: must be rejected by the size check, not by an OOM.
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(10_000_000_000L).putLong(0);
        fails(raw(b.array()), "10000000000", "100 MB");
        ByteBuffer u = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).putLong(0);
        fails(raw(u.array()), "18446744073709551615", "100 MB");
    }

    @Test void offsetsOutOfRange() throws IOException {
        fails(file("{" + entry("a", "F32", "[1]", 4, 8) + "," + entry("b", "F32", "[1]", 0, 4) + "}", 4), "'a'", "out of range");
        fails(file("{" + entry("a", "F32", "[1]", -4, 0) + "}", 4), "'a'", "out of range");
        fails(file("{" + entry("a", "F32", "[1]", 8, 4) + "}", 8), "'a'", "out of range");
    }

    @Test void overlappingTensors() throws IOException {
        fails(file("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", 12), "'a'", "'b'", "overlap");
    }

    @Test void holesAndTrailingBytesAreRejectedLikeTheReference() throws IOException {
        fails(file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}", 12), "hole", "'b'");
        fails(file("{" + entry("a", "F32", "[1]", 0, 4) + "}", 8), "4 trailing bytes");
    }

    @Test void shapeTimesDtypeMustEqualByteLength() throws IOException {
        fails(file("{" + entry("w", "F16", "[3]", 0, 8) + "}", 8), "'w'", "needs 6 bytes", "span 8");
        fails(file("{" + entry("w", "F32", "[4294967296,4294967296]", 0, 8) + "}", 8), "'w'", "overflows");
    }

    @Test void unknownDtype() throws IOException {
        fails(file("{" + entry("w", "F8_E9M9", "[1]", 0, 1) + "}", 1), "'w'", "unknown dtype 'F8_E9M9'");
    }

    @Test void invalidJsonAndNonObjectHeader() throws IOException {
        fails(file("{\"w\": {", 0), "not valid JSON");
        fails(file("[1,2,3]", 0), "not a JSON object");
        fails(file("{} {}", 0), "not valid JSON");
        fails(file("{" + entry("w", "F32", "[1]", 0, 4) + "," + entry("w", "F32", "[1]", 0, 4) + "}", 4), "not valid JSON", "w");
    }

    @Test void missingOrIllTypedFields() throws IOException {
        fails(file("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "'w'", "dtype");
        fails(file("{\"w\":{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "'w'", "dtype");
        fails(file("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "'w'", "shape");
        fails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}}", 4), "'w'", "shape");
        fails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "'w'", "data_offsets");
        fails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4), "'w'", "data_offsets");
        fails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,\"4\"]}}", 4), "'w'", "data_offsets");
        fails(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4), "'w'", "dimension 1.5");
        fails(file("{\"w\":[1,2]}", 4), "'w'", "not an object");
        fails(file("{\"__metadata__\":{\"format\":1}}", 0), "__metadata__", "format");
        fails(file("{\"__metadata__\":[1]}", 0), "__metadata__");
    }

    @Test void negativeDimension() throws IOException {
        fails(file("{" + entry("w", "F32", "[-1,4]", 0, 16) + "}", 16), "'w'", "dimension -1");
    }

    @Test void validEdgeCasesStillOpen() throws IOException {
        // empty tensor (a zero dim) and a 0-rank scalar are legal; zero-size tensors may sit anywhere
        Path p = file("{\"__metadata__\":{\"format\":\"pt\"}," + entry("e", "F32", "[0,3]", 0, 0) + ","
                + entry("s", "F32", "[]", 0, 4) + "}", 4);
        try (SafeTensors st = SafeTensors.open(p)) {
            assertEquals(0, st.tensor("e").numel());
            assertEquals(0f, st.tensor("s").data()[0]);
            assertEquals("pt", st.metadata().get("format"));
        }
    }
}
