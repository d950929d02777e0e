package dev.loupe.corpus;

/** One document of a corpus: a stable id (relative path, zip entry name, or JSONL id / file:line) and its text. */
public record Document(String id, String text) {
    public Document {
        if (id == null || text == null) throw new IllegalArgumentException("document id and text must not be null");
    }
}
