// Top positive and top negative tokens of one kind of logit effect of a feature: DIRECT = the
// decoder direction through the unembedding; ABLATION = mean change of the next-token logits when
// the feature is removed where it fires (Cunningham et al. 2023 Fig. 4 right). Lists are ordered
// by |value|, largest first.
package dev.loupe.store;

import java.util.List;

public record LogitTable(Kind kind, List<LogitEntry> positive, List<LogitEntry> negative) {
    public enum Kind {
        DIRECT, ABLATION;
        private final String sql = name().toLowerCase(java.util.Locale.ROOT);   // asked once per stored row
        String sql() { return sql; }
    }

    public LogitTable {
        positive = List.copyOf(positive);
        negative = List.copyOf(negative);
    }
}
