// One token of a feature's logit table: its id, string and logit effect value (table logits).
package dev.loupe.store;

public record LogitEntry(int tokenId, String token, float value) {}
