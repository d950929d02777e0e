package dev.loupe.cli;

import dev.loupe.model.ForwardExport;
import dev.loupe.model.arch.ModelLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Run one forward pass and write logits, hook activations (TransformerLens names) and loss to a safetensors file.",
        footerHeading = "%nExamples:%n",
        footer = {"  loupe forward --model models/gpt2 --tokens 464,2068,7586 --out a.safetensors",
                  "  loupe forward --model stories260K.bin --tokens 1,403,407 \\",
                  "      --hooks blocks.0.hook_resid_post,blocks.0.attn.hook_pattern --out a.safetensors",
                  "  loupe forward --model models/pythia --tokens 1,2,3 --hooks all --out a.safetensors"})
final class ForwardCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "HF model directory (config.json + model.safetensors) or llama2.c .bin file.")
    Path model;
    @Option(names = "--tokens", required = true, description = "Comma-separated token ids.")
    String tokens;
    @Option(names = "--hooks", defaultValue = "", description = "'all' or comma-separated hook names (default: none).")
    String hooks;
    @Option(names = "--out", required = true, description = "Output .safetensors file (written atomically).")
    Path out;

    @Override public Integer call() {
        int[] ids = ForwardExport.parseIds(tokens, "--tokens");
        var r = ForwardExport.write(ModelLoader.load(model), ids, hooks, out);
        var o = spec.commandLine().getOut();
        o.printf("wrote %s: logits [%d, %d], %d hook(s)%s%n", out, r.seq(), r.vocab(), r.hooks().size(),
                r.loss() == null ? "" : String.format(", loss %.6f", r.loss()));
        o.flush();
        return 0;
    }
}
