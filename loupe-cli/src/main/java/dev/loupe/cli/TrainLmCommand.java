package dev.loupe.cli;

import dev.loupe.lm.Gpt2Config;
import dev.loupe.corpus.TextCorpus;
import dev.loupe.lm.TrainLm;
import dev.loupe.lm.TrainLmConfig;
import dev.loupe.tensor.Kernels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "train-lm", mixinStandardHelpOptions = true,
        description = "Train a GPT-2 style LM with Loupe's own trainer; writes an HF GPT-2 model directory.",
        footerHeading = "%nExamples:%n",
        footer = {"  loupe train-lm --tokenizer tok --layers 1 --d-model 128 --d-mlp 512 --heads 4 --context 128 --act relu --tokens 20000000 --out models/loupe-1l",
                "  loupe train-lm --tokenizer tok --layers 1 --d-model 128 --d-mlp 512 --heads 4 --context 128 --tokens 20000000 --out models/loupe-1l --resume"})
final class TrainLmCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--corpus", paramLabel = "PATH", description = "Text directory, .zip or .jsonl (default: this JDK's lib/src.zip).") Path corpus;
    @Option(names = "--tokenizer", required = true, paramLabel = "DIR", description = "Directory with tokenizer.json (from train-tokenizer).") Path tokenizer;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output model directory (also holds the checkpoint).") Path out;
    @Option(names = "--layers", defaultValue = "1", description = "Transformer blocks (default: ${DEFAULT-VALUE}).") int layers;
    @Option(names = "--d-model", defaultValue = "128", description = "Residual stream width (default: ${DEFAULT-VALUE}).") int dModel;
    @Option(names = "--d-mlp", defaultValue = "512", description = "MLP neurons per block (default: ${DEFAULT-VALUE}).") int dMlp;
    @Option(names = "--heads", defaultValue = "4", description = "Attention heads (must divide --d-model) (default: ${DEFAULT-VALUE}).") int heads;
    @Option(names = "--context", defaultValue = "128", description = "Tokens per training sequence (the model's context) (default: ${DEFAULT-VALUE}).") int context;
    @Option(names = "--act", defaultValue = "relu", description = "relu or gelu (GPT-2's gelu_new) (default: ${DEFAULT-VALUE}).") String act;
    @Option(names = "--batch", defaultValue = "16", description = "Sequences per step (default: ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--tokens", defaultValue = "20000000", description = "Training tokens; steps = tokens / (batch·context) (default: ${DEFAULT-VALUE}).") long tokens;
    @Option(names = "--lr", defaultValue = "1e-3", description = "Peak AdamW learning rate, after the warm-up; cosine decay to 10% of it (default: ${DEFAULT-VALUE}).") double lr;
    @Option(names = "--warmup", defaultValue = "200", description = "Learning-rate warm-up steps (default: ${DEFAULT-VALUE}).") int warmup;
    @Option(names = "--weight-decay", defaultValue = "0.1", description = "AdamW decoupled weight decay, on the weight matrices only (default: ${DEFAULT-VALUE}).") double weightDecay;
    @Option(names = "--clip", defaultValue = "1.0", description = "Global gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE}).") double clip;
    @Option(names = "--eval-every", defaultValue = "250", description = "Held-out loss every this many steps (default: ${DEFAULT-VALUE}).") int evalEvery;
    @Option(names = "--eval-batches", defaultValue = "16", description = "Batches of held-out windows per evaluation (default: ${DEFAULT-VALUE}).") int evalBatches;
    @Option(names = "--checkpoint-every", defaultValue = "500", description = "Atomic checkpoint every this many steps (default: ${DEFAULT-VALUE}).") int checkpointEvery;
    @Option(names = "--log-every", defaultValue = "50", description = "Progress line (loss, tok/s, GFLOP/s) every this many steps (default: ${DEFAULT-VALUE}).") int logEvery;
    @Option(names = "--held-out", defaultValue = "0.02", description = "Fraction of documents held out, split by a seeded hash of the name (default: ${DEFAULT-VALUE}).") double heldOut;
    @Option(names = "--seed", defaultValue = "1", description = "Initialisation and data-order seed (default: ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--threads", description = "Worker threads (default: all cores).") Integer threads;
    @Option(names = "--resume", description = "Continue from the checkpoint in --out.") boolean resume;

    @Override public Integer call() {
        if (threads != null && threads < 1) throw new dev.loupe.util.ConfigException("--threads must be >= 1, got " + threads);
        if (threads != null) Kernels.setThreads(threads);
        int vocab = TrainLm.tokenizer(tokenizer).vocabSize();
        var model = new Gpt2Config(vocab, context, layers, dModel, heads, dMlp, Gpt2Config.Activation.parse(act), 1e-5f);
        long steps = Math.max(1, tokens / ((long) batch * context));
        var cfg = new TrainLmConfig(model, batch, steps, lr, 0.1, warmup, weightDecay, 0.9, 0.95, 1e-8, clip,
                evalEvery, evalBatches, checkpointEvery, logEvery, seed);
        TrainLm.run(cfg, corpus != null ? corpus : TextCorpus.defaultCorpus(), tokenizer, heldOut, out, resume, spec.commandLine().getOut());
        return 0;
    }
}
