package dev.loupe.cli;

import dev.loupe.intervene.Ablation;
import dev.loupe.intervene.PromptTasks;
import dev.loupe.intervene.Site;
import dev.loupe.util.AtomicFiles;
import dev.loupe.util.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "ablate", mixinStandardHelpOptions = true,
        description = {"Ablate features or neurons (zero, mean, resample): change of loss, KL, logit difference.",
                "Each feature is ablated alone; KL is KL(ablated || clean); --task adds the answer logit difference."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe ablate --model models/loupe-1l --hook blocks.0.mlp.hook_post --baseline neurons --features 3,100,200",
                "  loupe ablate --model models/loupe-1l --hook blocks.0.hook_resid_mid --sae sae-dir --features 12 --method mean \\",
                "      --task tasks/loupe-1l-brackets.jsonl --json ablate.json"})
final class AblateCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin InterveneOptions io;

    @Option(names = "--features", required = true, split = ",", description = "Feature (or neuron) indices, comma-separated.") int[] features;
    @Option(names = "--method", defaultValue = "zero", description = "zero, mean or resample (default: ${DEFAULT-VALUE}).") String method;
    @Option(names = "--task", paramLabel = "FILE", description = "Prompt-pair JSONL: ablate on the base prompts and report the logit difference.") Path task;
    @Option(names = "--prompt", description = "A prompt to ablate on (repeatable); default: corpus windows.") List<String> prompts;
    @Option(names = "--windows", defaultValue = "16", description = "Corpus windows when no --task/--prompt is given (default: ${DEFAULT-VALUE}).") int windows;
    @Option(names = "--json", paramLabel = "FILE", description = "Write the report as JSON.") Path json;

    @Override public Integer call() throws Exception {
        Ablation.Method m = switch (method.toLowerCase(Locale.ROOT)) {
            case "zero" -> Ablation.Method.ZERO;
            case "mean" -> Ablation.Method.MEAN;
            case "resample" -> Ablation.Method.RESAMPLE;
            default -> throw new ConfigException("--method must be zero, mean or resample, got '" + method + "'");
        };
        if (task != null && prompts != null) throw new ConfigException("give --task or --prompt, not both");
        Site s = io.site();
        Ablation.Report r;
        if (task != null) {
            r = Ablation.onTask(io.model(), s.hook(), s.name(), s.dict(), features, m, PromptTasks.encode(PromptTasks.read(task), io.tokenizer()), io.seed);
        } else {
            List<int[]> ps = prompts != null ? prompts.stream().map(p -> io.tokenizer().encode(p, true)).toList() : Arrays.asList(io.windows(windows));
            r = Ablation.onPrompts(io.model(), s.hook(), s.name(), s.dict(), features, m, ps, io.seed);
        }
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%s at %s, %s ablation over %d prompts; clean loss %.4f%s%n", r.dictionary(), r.hook(), method, r.prompts(), r.cleanLoss(),
                Double.isNaN(r.cleanLogitDiff()) ? "" : String.format(Locale.ROOT, ", clean logit diff %.3f", r.cleanLogitDiff()));
        o.println("feature   mean code     Δloss        KL     Δlogit diff");
        for (var f : r.features())
            o.printf(Locale.ROOT, "%7d %11.4f %9.5f %9.5f %12.4f%n", f.feature(), f.meanCode(), f.dLoss(), f.kl(), f.dLogitDiff());
        if (json != null) {
            AtomicFiles.writeString(json, new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(r) + "\n");
            o.println("wrote " + json);
        }
        o.flush();
        return 0;
    }
}
