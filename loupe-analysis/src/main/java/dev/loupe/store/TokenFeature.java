// A feature that fires on a given token: its mean activation on that token and how often it fired there.
package dev.loupe.store;

public record TokenFeature(int feature, double meanAct, long count) {}
