// A full-text search hit: where it matched (an explanation or an example window), the feature it
// belongs to, a snippet with the match in [brackets], and the FTS5 bm25 rank (lower = better).
package dev.loupe.store;

public record SearchHit(Source source, long dictionaryId, int feature, String snippet, double rank) {
    public enum Source { EXPLANATION, EXAMPLE }
}
