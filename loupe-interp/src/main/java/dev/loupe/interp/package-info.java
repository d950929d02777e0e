/**
 * Automated interpretability (Bills et al. 2023; Cunningham et al. 2023 §3): explain → simulate →
 * score, on plain data supplied by the caller.
 *
 * <ul>
 *   <li>Data: {@link dev.loupe.interp.ActivationRecord} (tokens + raw activations),
 *       {@link dev.loupe.interp.FeatureRecords} (top, random, look-up table);
 *       {@link dev.loupe.interp.Excerpts} and {@link dev.loupe.interp.FeatureSplits} apply the excerpt
 *       and split rules; {@link dev.loupe.interp.Discretisation} the 0–10 levels.</li>
 *   <li>Pipeline: {@link dev.loupe.interp.AutoInterp} (façade for the CLI verbs) runs an
 *       {@link dev.loupe.interp.Explainer} and a {@link dev.loupe.interp.SimulatorFactory} per feature;
 *       {@link dev.loupe.interp.Scorer}/{@link dev.loupe.interp.Scoring} give the pooled correlation,
 *       r² and absolute deviation explained as {@link dev.loupe.interp.Score}s that may be undefined;
 *       {@link dev.loupe.interp.Bootstrap} the CIs; {@link dev.loupe.interp.InterpReport} the table
 *       and chart; {@link dev.loupe.interp.DetectionFuzzing} and {@link dev.loupe.interp.Revision} the
 *       other scorers and revision; {@link dev.loupe.interp.AblationScore} Bills's ablation score on a
 *       model.</li>
 *   <li>Feature store: {@link dev.loupe.interp.InterpPipeline} runs the pipeline over a dictionary's
 *       stored examples (resumable, concurrent) with {@link dev.loupe.interp.InterpOptions} (built by
 *       {@link dev.loupe.interp.InterpBackends} from backend names) and returns an
 *       {@link dev.loupe.interp.InterpSummary}; {@link dev.loupe.interp.InterpReport#fromStore} compares
 *       bases; {@link dev.loupe.interp.InterpBenchmark} times the built-in pipeline.</li>
 *   <li>Backends: {@code builtin} (statistical explainer, rule simulator, look-up-table and
 *       weight-based baselines), {@code allatonce} (in-process causal LM via
 *       {@link dev.loupe.interp.allatonce.NextTokenModel}; Loupe's engine:
 *       {@link dev.loupe.interp.allatonce.EngineNextTokenModel}), {@code llm} (OpenAI-compatible HTTP);
 *       {@code prompt} holds Bills's prompt formats; {@code puzzle} the neuron puzzles.</li>
 * </ul>
 */
package dev.loupe.interp;
