package dev.loupe.cli;

import dev.loupe.sae.train.StepBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code loupe bench sae}: SAE training-step speed against the same run's OpenBLAS ceiling ({@link StepBenchmark}). */
@Command(name = "sae", mixinStandardHelpOptions = true,
        description = {"Time full SAE training steps (forward, backward, Adam) on random data and report",
                "GFLOP/s as a fraction of the OpenBLAS GEMM ceiling measured in the same run;",
                "with --arch both, also the topk/standard step-time ratio."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe bench sae", "  loupe bench sae --arch standard --runs 7 --json",
                "  loupe bench sae --arch topk --k 32 --d-sae 16384"})
final class BenchSaeCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--arch", defaultValue = "both", description = "standard, topk or both (default ${DEFAULT-VALUE}).") String arch;
    @Option(names = "--d-in", defaultValue = "512", description = "Input width (default ${DEFAULT-VALUE}).") int dIn;
    @Option(names = "--d-sae", defaultValue = "16384", description = "Dictionary size (default ${DEFAULT-VALUE}).") int dSae;
    @Option(names = "--batch", defaultValue = "4096", description = "Rows per step (default ${DEFAULT-VALUE}).") int batch;
    @Option(names = "--k", defaultValue = "32", description = "topk: active features per row (default ${DEFAULT-VALUE}).") int k;
    @Option(names = "--warmup", defaultValue = "3", description = "Untimed steps first (default ${DEFAULT-VALUE}).") int warmup;
    @Option(names = "--runs", defaultValue = "5", description = "Timed steps, each after a ceiling measurement; medians are reported (default ${DEFAULT-VALUE}).") int runs;
    @Option(names = "--threads", description = "Worker threads (default: all cores).") Integer threads;
    @Option(names = "--json", description = "Print one JSON object instead of text.") boolean json;

    @Override public Integer call() {
        if (threads != null && threads < 1) throw new dev.loupe.util.ConfigException("--threads must be >= 1, got " + threads);
        if (threads != null) dev.loupe.tensor.Kernels.setThreads(threads);
        List<String> archs = arch.equals("both") ? List.of("standard", "topk") : List.of(arch);
        List<StepBenchmark.Result> results = new ArrayList<>();
        for (String a : archs) results.add(StepBenchmark.run(new StepBenchmark.Options(a, dIn, dSae, batch, k, warmup, runs)));
        Double ratio = results.size() == 2 ? results.get(1).msPerStep() / results.get(0).msPerStep() : null;
        var out = spec.commandLine().getOut();
        if (json) {
            out.println("{\"runs\":[" + String.join(",", results.stream().map(StepBenchmark.Result::toJson).toList()) + "]"
                    + (ratio == null ? "" : String.format(Locale.ROOT, ",\"topk_over_standard_time\":%.4f", ratio)) + "}");
        } else {
            out.println("backend " + results.get(0).backend() + ", threads " + results.get(0).threads()
                    + "; ceiling = OpenBLAS sgemm 2048³ measured before each timed step (medians)");
            for (var r : results) out.println(r.toText());
            if (ratio != null) out.println(String.format(Locale.ROOT, "topk/standard step time: %.3f", ratio));
        }
        out.flush();
        return 0;
    }
}
