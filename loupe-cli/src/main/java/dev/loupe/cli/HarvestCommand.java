package dev.loupe.cli;

import dev.loupe.activations.CorpusHarvest;
import dev.loupe.activations.HarvestOptions;
import dev.loupe.activations.HarvestSummary;
import dev.loupe.io.DType;
import dev.loupe.util.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "harvest", mixinStandardHelpOptions = true,
        description = {"Record a model's activations at hook points over a corpus into resumable safetensors shards.",
                "Windows are BOS + context-1 tokens inside one document, from the corpus's train split (2% of files held out,",
                "as train-lm splits); BOS/special positions are dropped. Rerun the same command to continue an interrupted harvest."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe harvest --model models/loupe-1l --hook blocks.0.mlp.hook_post --tokens 1000000 --out acts",
                "  loupe harvest --model models/loupe-1l --hook blocks.0.hook_resid_pre,blocks.0.hook_resid_post --tokens 200000 --dtype bf16 --out acts2",
                "  loupe harvest --model models/loupe-1l --hook blocks.0.mlp.hook_post --tokens 100000 --random-weights 1 --out acts-random"})
final class HarvestCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder (HF layout) or llama2.c .bin.") Path model;
    @Option(names = "--hook", required = true, split = ",", paramLabel = "NAME", description = "Hook point(s), comma-separated, e.g. blocks.0.mlp.hook_post.") List<String> hooks;
    @Option(names = "--corpus", paramLabel = "PATH", description = "Text folder, .zip or .jsonl[.gz] (default: this JDK's lib/src.zip).") Path corpus;
    @Option(names = "--held-out", description = "Read the held-out 2% of files instead of the train split.") boolean heldOut;
    @Option(names = "--tokens", required = true, description = "Tokens to run through the model (rounded up to whole windows).") long tokens;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Harvest folder (manifest.json + <hook>/shard-*.safetensors).") Path out;
    @Option(names = "--context", defaultValue = "128", description = "Tokens per window, BOS included (default: ${DEFAULT-VALUE}).") int context;
    @Option(names = "--dtype", defaultValue = "f32", description = "Shard element type: f32, f16 or bf16 (default: ${DEFAULT-VALUE}).") String dtype;
    @Option(names = "--batch", defaultValue = "32", description = "Windows per forward pass (default: ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--rows-per-shard", defaultValue = "16384", description = "Positions per shard before exclusions (default: ${DEFAULT-VALUE}).") int rowsPerShard;
    @Option(names = "--outlier-factor", defaultValue = "0", description = "Drop positions with norm > k × the batch median (0: off; default: ${DEFAULT-VALUE}).") double outlier;
    @Option(names = "--keep-special", description = "Keep BOS/special-token positions.") boolean keepSpecial;
    @Option(names = "--random-weights", paramLabel = "SEED", description = "Harvest a re-initialised copy of the model (same architecture; the random-weights control).") Long randomSeed;

    @Override public Integer call() {
        HarvestOptions opts = new HarvestOptions(batch, !keepSpecial, outlier, parseDtype(dtype), rowsPerShard);
        var pw = spec.commandLine().getOut();
        HarvestSummary s = CorpusHarvest.harvest(model, randomSeed, hooks, corpus, heldOut, context, tokens, opts, out, progressTo(pw));
        pw.printf(Locale.ROOT, "harvested %d tokens (%d windows) into %s: %s rows; this run %d tokens in %.1f s (%.0f tokens/s)%n",
                s.tokens(), s.windows(), s.dir(), s.rows(), s.newTokens(), s.seconds(), s.tokensPerSecond());
        pw.flush();
        return 0;
    }

    static DType parseDtype(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "f32", "float32" -> DType.F32;
            case "f16", "float16" -> DType.F16;
            case "bf16", "bfloat16" -> DType.BF16;
            default -> throw new ConfigException("--dtype '" + s + "' must be f32, f16 or bf16");
        };
    }

    /** A PrintStream for library progress lines that lands, line by line, in the command's writer. */
    static PrintStream progressTo(PrintWriter w) {
        return new PrintStream(new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override public void write(int b) {
                if (b != '\n') { line.write(b); return; }
                w.println(line.toString(StandardCharsets.UTF_8));
                w.flush();
                line.reset();
            }
        }, true, StandardCharsets.UTF_8);
    }
}
