package dev.loupe.cli;

import dev.loupe.sae.Sae;
import dev.loupe.sae.io.SaeFolders;
import dev.loupe.sae.io.SaeLensFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "convert-sae", mixinStandardHelpOptions = true,
        description = {"Convert an SAE folder (SAELens, including pre-6.0 configs, or sparsify) to a SAELens v6 folder."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe convert-sae sparsify-run/layers.6 sae-layer6", "  loupe convert-sae old-saelens-sae new-sae"})
final class ConvertSaeCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN_DIR") Path in;
    @Parameters(index = "1", paramLabel = "OUT_DIR") Path out;

    @Override public Integer call() {
        Sae sae = SaeFolders.read(in);
        SaeLensFormat.write(sae, out, SaeLensFormat.looksLike(in) ? SaeLensFormat.readSparsity(in) : null);
        var pw = spec.commandLine().getOut();
        pw.println("wrote " + out + " (" + sae.kind() + ", d_in " + sae.dIn() + ", d_sae " + sae.dFeatures() + ")");
        pw.flush();
        return 0;
    }
}
