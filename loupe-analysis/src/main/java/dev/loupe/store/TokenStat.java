// Per-token statistic of a feature (table token_stats): how often it fired on the token and its
// mean activation there; also used for the per-activation-range token lists (table range_tokens,
// where meanAct is not stored and reads back as NaN).
package dev.loupe.store;

public record TokenStat(int tokenId, String token, long count, double meanAct) {}
