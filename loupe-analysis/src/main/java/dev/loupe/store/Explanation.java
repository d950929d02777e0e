// A natural-language explanation of one feature with its scores and provenance (tables
// explanations + scores). id is 0 and createdAt null for a record not yet stored. method names how
// it was made (e.g. bills-top-activations, token-lookup, revision); promptHash identifies the exact
// prompt; costUsd is what the backend charged (0 for local models).
package dev.loupe.store;

import dev.loupe.util.ConfigException;

import java.util.List;

public record Explanation(long id, long dictionaryId, int feature, String text, String method, String explainerModel,
                          String promptHash, double costUsd, String provenanceJson, String createdAt, List<Score> scores) {
    public Explanation {
        if (text == null || text.isBlank()) throw new ConfigException("explanation of feature " + feature + " is empty");
        if (method == null || method.isBlank()) throw new ConfigException("explanation of feature " + feature + " has no method name");
        if (feature < 0) throw new ConfigException("explanation feature index " + feature + " is negative");
        if (!(costUsd >= 0)) throw new ConfigException("explanation cost " + costUsd + " must be >= 0");
        if (provenanceJson == null || provenanceJson.isBlank()) provenanceJson = "{}";
        scores = scores == null ? List.of() : List.copyOf(scores);
    }

    public static Explanation of(long dictionaryId, int feature, String text, String method, String explainerModel, List<Score> scores) {
        return new Explanation(0, dictionaryId, feature, text, method, explainerModel, null, 0, "{}", null, scores);
    }
}
