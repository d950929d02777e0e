package dev.loupe.corpus;

import dev.loupe.util.ConfigException;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How to read a corpus.
 *
 * @param extensions       file-name extensions (without dot, case-insensitive) taken from a directory or zip;
 *                         empty = every file
 * @param textField        JSONL field holding the text
 * @param idField          JSONL field holding the document id, or null to use {@code file:line}
 * @param maxDocumentBytes documents (files, zip entries, JSONL lines) larger than this are skipped and
 *                         counted, so one huge or hostile file cannot exhaust memory
 */
public record CorpusOptions(Set<String> extensions, String textField, String idField, long maxDocumentBytes) {
    public static final long DEFAULT_MAX_DOCUMENT_BYTES = 64L << 20;

    public CorpusOptions {
        if (extensions == null) throw new ConfigException("corpus extensions must not be null (use an empty set for every file)");
        extensions = extensions.stream().map(e -> e.startsWith(".") ? e.substring(1) : e)
                .map(e -> e.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        if (textField == null || textField.isBlank()) throw new ConfigException("corpus text field must be a non-empty JSON field name");
        if (maxDocumentBytes <= 0 || maxDocumentBytes > Integer.MAX_VALUE - 16)
            throw new ConfigException("corpus maxDocumentBytes " + maxDocumentBytes + " must be in 1.." + (Integer.MAX_VALUE - 16));
    }

    /** Text and Markdown files; JSONL field {@code text}; ids from file:line; 64 MiB per document. */
    public static CorpusOptions defaults() { return new CorpusOptions(Set.of("txt", "md"), "text", null, DEFAULT_MAX_DOCUMENT_BYTES); }

    public CorpusOptions withExtensions(String... ext) { return new CorpusOptions(Set.of(ext), textField, idField, maxDocumentBytes); }
    public CorpusOptions withTextField(String field) { return new CorpusOptions(extensions, field, idField, maxDocumentBytes); }
    public CorpusOptions withIdField(String field) { return new CorpusOptions(extensions, textField, field, maxDocumentBytes); }
    public CorpusOptions withMaxDocumentBytes(long max) { return new CorpusOptions(extensions, textField, idField, max); }

    /** True if a file or entry name passes the extension filter. */
    public boolean accepts(String name) {
        if (extensions.isEmpty()) return true;
        int dot = name.lastIndexOf('.');
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        return dot > slash && extensions.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
