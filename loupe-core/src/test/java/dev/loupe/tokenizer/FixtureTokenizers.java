package dev.loupe.tokenizer;

import dev.loupe.testutil.Shared;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The ../shared/tokenizers fixtures, each loaded once per test JVM (the large ones take a second or more). */
final class FixtureTokenizers {
    private static final Map<String, Tokenizer> LOADED = new ConcurrentHashMap<>();

    private FixtureTokenizers() {}

    static Tokenizer get(String name) {
        return LOADED.computeIfAbsent(name, n -> Tokenizers.load(Shared.path("tokenizers", n)));
    }
}
