// A full-text search hit: where it matched (an explanation or an example window), the feature it
// belongs to, a snippet with the match in [brackets], and the FTS5 bm25 rank (lower = better).
// FeatureStore.search lists explanation hits first, then example hits (one per feature, its best
// window); ranks are comparable only within one source.
package dev.loupe.store;

public record SearchHit(Source source, long dictionaryId, int feature, String snippet, double rank) {
    public enum Source { EXPLANATION, EXAMPLE }
}
