/**
 * Interventions on a model through dictionary features, built on the engine's hooks
 * ({@link dev.loupe.model.Transformer#runWithHooks}, {@link dev.loupe.model.Transformer#addHook}), for any
 * {@link dev.loupe.dictionary.Dictionary} (SAE, neurons, PCA, ICA, random) at a hook ({@link dev.loupe.intervene.Site}):
 * <ul>
 *   <li>{@link dev.loupe.intervene.Steering}: add α·d_f or clamp a feature ({@link dev.loupe.intervene.FeatureEdit})
 *       during generation, steered next to unsteered;</li>
 *   <li>{@link dev.loupe.intervene.Ablation}: zero / mean / resample ablation with loss, KL and logit-difference deltas;</li>
 *   <li>{@link dev.loupe.intervene.Patching}: feature-space activation patching with greedy (ACDC) ordering
 *       over {@link dev.loupe.intervene.PromptTasks} prompt pairs, reported by {@link dev.loupe.intervene.PatchReport};</li>
 *   <li>{@link dev.loupe.intervene.FeatureTrees}: causal trees of upstream features ({@link dev.loupe.intervene.TreeReport});</li>
 *   <li>{@link dev.loupe.intervene.LogitAttribution}: direct logit attribution of features.</li>
 * </ul>
 * KL is always KL(intervened ‖ reference); logit differences are logit(target_answer) − logit(base_answer).
 */
package dev.loupe.intervene;
