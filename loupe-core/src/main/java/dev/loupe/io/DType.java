package dev.loupe.io;

import dev.loupe.util.FormatException;

/** safetensors element types Loupe reads. Sizes in bytes per element. */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

    public final int size;

    DType(int size) { this.size = size; }

    public static DType parse(String s, String file, String tensor) {
        try {
            return DType.valueOf(s);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new FormatException(file + ": tensor '" + tensor + "' has unknown dtype '" + s
                    + "' (supported: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL)");
        }
    }

    /** IEEE-754 half to float. */
    public static float halfToFloat(short h) { return Float.float16ToFloat(h); }

    /** bfloat16 is the upper 16 bits of an IEEE-754 float32. */
    public static float bf16ToFloat(short b) { return Float.intBitsToFloat((b & 0xffff) << 16); }
}
