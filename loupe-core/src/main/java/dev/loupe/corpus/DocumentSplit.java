package dev.loupe.corpus;

import dev.loupe.util.ConfigException;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

/**
 * Deterministic train / held-out split by document id: a document is held out iff a seeded 64-bit hash
 * of its id, mapped to [0, 1), is below {@code heldOutFraction}. Independent of corpus order and size,
 * so the LM trainer and auto-interp agree on which text is held out without sharing any state.
 * Hash: FNV-1a over the id's UTF-8 bytes, seeded, then the SplitMix64 finaliser for good low-order mixing.
 */
public record DocumentSplit(double heldOutFraction, long seed) {
    public DocumentSplit {
        if (!(heldOutFraction >= 0 && heldOutFraction <= 1))
            throw new ConfigException("held-out fraction " + heldOutFraction + " must be in [0, 1]");
    }

    public boolean isHeldOut(String id) { return unit(id) < heldOutFraction; }

    public Stream<Document> train(Stream<Document> docs) { return docs.filter(d -> !isHeldOut(d.id())); }

    public Stream<Document> heldOut(Stream<Document> docs) { return docs.filter(d -> isHeldOut(d.id())); }

    /** The id's position in [0, 1). */
    double unit(String id) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53;
    }
}
