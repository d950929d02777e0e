package dev.loupe.cli;

import dev.loupe.intervene.FeatureEdit;
import dev.loupe.intervene.Site;
import dev.loupe.intervene.Steering;
import dev.loupe.model.Sampling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "steer", mixinStandardHelpOptions = true,
        description = {"Generate with features added or clamped at a hook, beside the unsteered completion.",
                "--edit F+ALPHA adds α·d_F at every position; --edit F=VALUE sets feature F's activation to VALUE."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe steer --model models/loupe-1l --hook blocks.0.hook_resid_mid --baseline neurons --edit 3+20 \\",
                "      --prompt \"public static int \" --max-new 20",
                "  loupe steer --model stories260K.bin --hook blocks.4.hook_resid_post --sae my-sae --edit 12=8 --edit 40=0 \\",
                "      --prompt \"Once upon a time\" --temperature 0.8 --seed 3"})
final class SteerCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Mixin InterveneOptions io;

    @Option(names = "--edit", required = true, paramLabel = "EDIT", description = "F+ALPHA / F-ALPHA adds α·d_F; F=VALUE clamps feature F (repeatable).")
    List<String> edits;
    @Option(names = "--prompt", required = true, description = "Prompt text.") String prompt;
    @Option(names = "--max-new", defaultValue = "32", description = "Tokens to generate (default: ${DEFAULT-VALUE}).") int maxNew;
    @Option(names = "--temperature", description = "Sample at this temperature (default: greedy).") Double temperature;
    @Option(names = "--top-p", defaultValue = "1.0", description = "Nucleus mass in (0, 1] (default: ${DEFAULT-VALUE}).") double topP;

    @Override public Integer call() {
        Site site = io.site();
        Sampling s = temperature == null ? Sampling.greedyDecoding() : Sampling.sample(temperature, topP, io.seed);
        var r = Steering.compare(io.model(), io.tokenizer(), site.hook(), site.dict(), edits.stream().map(FeatureEdit::parse).toList(), prompt, maxNew, s);
        var o = spec.commandLine().getOut();
        o.println("prompt     " + prompt);
        o.println("unsteered  " + oneLine(r.unsteered()));
        o.println("steered    " + oneLine(r.steered()) + "   [" + String.join(" ", edits) + " on " + site.name() + " at " + site.hook() + "]");
        o.flush();
        return 0;
    }

    /** Completions side by side need one line each: line breaks and tabs shown escaped. */
    static String oneLine(String s) { return s.replace("\n", "\\n").replace("\t", "\\t"); }
}
