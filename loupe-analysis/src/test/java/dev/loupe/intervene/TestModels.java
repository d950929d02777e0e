package dev.loupe.intervene;

import dev.loupe.model.Transformer;
import dev.loupe.model.arch.ModelLoader;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.tokenizer.Tokenizers;

import java.nio.file.Files;
import java.nio.file.Path;

/** The committed built-in model {@code models/loupe-1l}, loaded once per test JVM (it is read-only in use). */
final class TestModels {
    private TestModels() {}

    static final Path LOUPE_1L = locate();
    private static Transformer model;
    private static Tokenizer tok;

    private static Path locate() {
        for (Path p : new Path[]{Path.of("..", "models", "loupe-1l"), Path.of("models", "loupe-1l")})
            if (Files.isDirectory(p)) return p;
        throw new IllegalStateException("models/loupe-1l not found from " + Path.of("").toAbsolutePath());
    }

    static synchronized Transformer loupe1l() {
        if (model == null) model = ModelLoader.load(LOUPE_1L);
        return model;
    }

    static synchronized Tokenizer loupe1lTokenizer() {
        if (tok == null) tok = Tokenizers.load(ModelLoader.tokenizerNextTo(LOUPE_1L));
        return tok;
    }
}
