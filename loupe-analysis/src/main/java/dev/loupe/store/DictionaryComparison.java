// Comparison of dictionary A with dictionary B from the matches A's published analysis stored for
// B (each A feature's best match in B by decoder cosine): how many A features have a match, the
// mean and median best cosine, the fraction above 0.9 / 0.7, a 10-bin histogram of best cosines
// over [0, 1], the number of distinct B features used as best matches, and summary statistics of
// both dictionaries (features, dead = never fired, mean density).
package dev.loupe.store;

public record DictionaryComparison(long dictionaryA, long dictionaryB, int matched, double meanBestCosine,
                                   double medianBestCosine, double fractionAbove09, double fractionAbove07,
                                   long[] cosineHistogram, int distinctMatchesInB,
                                   int featuresA, int deadA, double meanDensityA,
                                   int featuresB, int deadB, double meanDensityB) {}
