package dev.loupe.tokenizer;

import dev.loupe.util.ConfigException;
import dev.loupe.util.FormatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a tokenizer from a path: a HuggingFace {@code tokenizer.json}, a directory holding one
 * (a HF model directory), or a llama2.c {@code tokenizer.bin} / {@code tok*.bin}.
 */
public final class Tokenizers {
    private Tokenizers() {}

    public static Tokenizer load(Path path) {
        if (Files.isDirectory(path)) {
            Path json = path.resolve("tokenizer.json");
            if (Files.isRegularFile(json)) return HfTokenizer.load(json);
            throw new ConfigException(path + ": directory has no tokenizer.json; pass a tokenizer.json, a directory with one, or a llama2.c tokenizer.bin");
        }
        if (!Files.isRegularFile(path)) throw new ConfigException(path + ": no such tokenizer file or directory");
        String name = path.getFileName().toString();
        if (name.endsWith(".json")) return HfTokenizer.load(path);
        if (name.endsWith(".bin")) return Llama2cTokenizer.load(path);
        // Unknown extension: sniff the first non-blank byte; JSON starts with '{'.
        try (InputStream in = Files.newInputStream(path)) {
            int c;
            do c = in.read(); while (c == ' ' || c == '\n' || c == '\r' || c == '\t');
            if (c == '{') return HfTokenizer.load(path);
        } catch (IOException e) {
            throw new FormatException(path + ": cannot read: " + e, e);
        }
        throw new ConfigException(path + ": not a tokenizer (expected tokenizer.json, a directory containing one, or a llama2.c tokenizer.bin / tok*.bin)");
    }
}
