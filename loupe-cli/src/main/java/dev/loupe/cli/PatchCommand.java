package dev.loupe.cli;

import dev.loupe.intervene.PatchReport;
import dev.loupe.intervene.Patching;
import dev.loupe.intervene.PromptTasks;
import dev.loupe.intervene.Site;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "patch", mixinStandardHelpOptions = true,
        description = {"Patch target-prompt features into a base run in greedy order: KL vs |F| (JSON + PNG).",
                "Every --sae / --baseline is one curve; writes patch.json, kl_vs_k.png and kl_vs_edit.png to --out."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe patch --model models/loupe-1l --hook blocks.0.hook_resid_mid --task tasks/loupe-1l-brackets.jsonl \\",
                "      --baseline pca --baseline neurons --out runs/patch",
                "  loupe patch --model models/loupe-1l --hook blocks.0.hook_resid_mid --task tasks/loupe-1l-brackets.jsonl \\",
                "      --sae sae-dir --baseline pca --max-features 16 --out runs/patch"})
final class PatchCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin InterveneOptions io;

    @Option(names = "--task", required = true, paramLabel = "FILE", description = "Prompt-pair JSONL: base, target, base_answer, target_answer.") Path task;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Report directory.") Path out;
    @Option(names = "--max-features", defaultValue = "32", description = "Greedy steps (default: ${DEFAULT-VALUE}).") int maxFeatures;
    @Option(names = "--candidates", defaultValue = "128", description = "Features tried per step, largest edits first (default: ${DEFAULT-VALUE}).") int candidates;

    @Override public Integer call() {
        var pairs = PromptTasks.encode(PromptTasks.read(task), io.tokenizer());
        var opt = new Patching.Options(maxFeatures, candidates, 64);
        List<Patching.Curve> curves = new ArrayList<>();
        var o = spec.commandLine().getOut();
        for (Site s : io.sites()) {
            var c = Patching.greedy(io.model(), s.hook(), s.name(), s.dict(), pairs, opt);
            curves.add(c);
            o.printf(Locale.ROOT, "%-14s KL |F|=0 %.4f", c.dictionary(), c.steps().get(0).kl());
            for (int k = 1; k < c.steps().size(); k *= 2) o.printf(Locale.ROOT, "  %d: %.4f", k, c.steps().get(k).kl());
            o.printf(Locale.ROOT, "  all %d: %.4f   logit diff base %.3f target %.3f%n", c.dFeatures(), c.klAll(), c.logitDiffBase(), c.logitDiffTarget());
        }
        PatchReport.write(out, curves);
        o.println("wrote " + out.resolve("patch.json") + ", kl_vs_k.png, kl_vs_edit.png");
        o.flush();
        return 0;
    }
}
