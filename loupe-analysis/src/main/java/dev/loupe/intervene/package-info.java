/**
 * Interventions on a model through dictionary features, built on the engine's hooks
 * ({@link dev.loupe.model.Transformer#runWithHooks}, {@link dev.loupe.model.Transformer#addHook}):
 * steering ({@link dev.loupe.intervene.Steering}: add α·d_f or clamp a feature during generation).
 * Works with any {@link dev.loupe.dictionary.Dictionary} (SAE, neurons, PCA, ICA, random).
 */
package dev.loupe.intervene;
