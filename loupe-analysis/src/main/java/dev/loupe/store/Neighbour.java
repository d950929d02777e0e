// A feature close to another by decoder cosine (table neighbours): in the same dictionary
// (nearest neighbours) or in another one (e.g. feature-splitting children in a larger SAE).
package dev.loupe.store;

public record Neighbour(long dictionaryId, int feature, float cosine) {}
