// Settings of one `loupe demo` run: which model, corpus and hook, where the workspace is, and how
// many tokens each stage reads. The defaults are sized for the built-in models/loupe-1l on 2 cores
// (whole pipeline in a few minutes, under 2 GB); the CI test scales them down to seconds.
// Not the pipeline (DemoPipeline) and not the CLI flags (DemoCommand maps its flags onto this).
package dev.loupe.server.demo;

import dev.loupe.util.ConfigException;

import java.nio.file.Path;

/**
 * @param model           HF model directory or llama2.c .bin
 * @param tokenizer       tokenizer file, or null for the one next to the model
 * @param corpus          text directory, .zip or .jsonl, or null for the JDK's src.zip
 * @param hook            TransformerLens hook name the dictionaries read
 * @param workspace       folder for stage outputs, markers and the store
 * @param harvestTokens   tokens harvested (training split) to train the SAE and fit the baselines on
 * @param trainTokens     activation rows the SAE sees in training (epochs over the harvest when larger)
 * @param expansion       SAE width as a multiple of the hook's width (R)
 * @param topK            active features per token of the TopK SAE
 * @param analysisTokens  held-out tokens every dictionary is analysed on
 * @param evalTokens      held-out tokens for the metrics (FVU, L0, CE recovered)
 * @param icaComponents   ICA components (FastICA cost grows with their square)
 * @param seed            seed of every random choice (SAE init, shuffling, random directions, ICA, sampling)
 */
public record DemoOptions(Path model, Path tokenizer, Path corpus, String hook, Path workspace,
                          long harvestTokens, long trainTokens, int expansion, int topK,
                          long analysisTokens, long evalTokens, int icaComponents, long seed) {
    public static final String DEFAULT_HOOK = "blocks.0.mlp.hook_post";

    public DemoOptions {
        if (model == null) throw new ConfigException("no model given; pass --model DIR (an HF model directory)");
        if (hook == null || hook.isBlank()) throw new ConfigException("no hook given; pass --hook NAME, e.g. " + DEFAULT_HOOK);
        if (workspace == null) throw new ConfigException("no workspace folder given; pass --workspace DIR");
        atLeast("--tokens", harvestTokens, 1_000);
        atLeast("--train-tokens", trainTokens, 1_000);
        atLeast("--expansion", expansion, 1);
        atLeast("--k", topK, 1);
        atLeast("--analysis-tokens", analysisTokens, 100);
        atLeast("--eval-tokens", evalTokens, 100);
        atLeast("--ica-components", icaComponents, 1);
    }

    /** The built-in demo: models/loupe-1l, the JDK sources, MLP neurons of block 0, R = 8. */
    public static DemoOptions defaults(Path workspace) {
        return new DemoOptions(Path.of("models", "loupe-1l"), null, null, DEFAULT_HOOK, workspace,
                1_000_000, 400_000, 8, 32, 100_000, 16_000, 32, 0);
    }

    private static void atLeast(String flag, long v, long min) {
        if (v < min) throw new ConfigException(flag + " " + v + " is below the minimum of " + min);
    }
}
