package com.mka1.core.export;

import java.util.Locale;

/** Element types a GGUF export stores its matrices in (ggml type ids and llama.cpp file types). */
public enum GgufType {
    F32(0, 0, 1, 4), F16(1, 1, 1, 2), BF16(30, 32, 1, 2), Q8_0(8, 7, 32, 34);

    private final int ggmlType;
    private final int fileType;
    private final int blockSize;
    private final int blockBytes;

    GgufType(int ggmlType, int fileType, int blockSize, int blockBytes) {
        this.ggmlType = ggmlType;
        this.fileType = fileType;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** The ggml_type id written in the tensor info. */
    int ggmlType() {
        return ggmlType;
    }

    /** {@code general.file_type} (llama_ftype) of a file whose matrices are of this type. */
    int fileType() {
        return fileType;
    }

    int blockSize() {
        return blockSize;
    }

    /** Bytes of a row of {@code n} values (a multiple of the block size). */
    long rowBytes(long n) {
        return n / blockSize * blockBytes;
    }

    /** "f16", "q8_0", ...: the name in commands, file names and the API. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type called {@code name} (case-insensitive: f32, f16, bf16, q8_0). */
    public static GgufType parse(String name) {
        for (GgufType t : values()) if (t.wireName().equalsIgnoreCase(name.strip())) return t;
        throw new IllegalArgumentException("unknown GGUF type '" + name + "' (f32, f16, bf16, q8_0)");
    }
}
