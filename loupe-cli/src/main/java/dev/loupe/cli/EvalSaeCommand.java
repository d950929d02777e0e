package dev.loupe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.sae.Sae;
import dev.loupe.sae.eval.EvalReport;
import dev.loupe.sae.eval.SaeEval;
import dev.loupe.sae.io.SaeFolders;
import dev.loupe.sae.train.ActivationSource;
import dev.loupe.synthetic.SyntheticConfig;
import dev.loupe.synthetic.SyntheticData;
import dev.loupe.util.ConfigException;
import dev.loupe.util.LoupeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "eval-sae", mixinStandardHelpOptions = true,
        description = {"Evaluate an SAE folder (SAELens or sparsify) on activations: L0, FVU, MSE and more.",
                "Also cosine, relative reconstruction bias, dead and dense fractions. Prints a table; --json writes all of it."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe eval-sae sae-dir --activations acts.safetensors --json eval.json",
                "  loupe eval-sae sae-dir --synthetic 512:128:5 --rows 8192"})
final class EvalSaeCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SAE_DIR") Path dir;
    @Option(names = "--activations", paramLabel = "FILE", description = "safetensors file with activations [rows, d_in].") Path acts;
    @Option(names = "--key", description = "Tensor name in the activations file (default: its only tensor).") String key;
    @Option(names = "--synthetic", paramLabel = "N_FEATURES:DIM:K", description = "Evaluate on synthetic data instead.") String synthetic;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--rows", defaultValue = "100000", description = "Rows to evaluate at most (default: ${DEFAULT-VALUE}).") long rows;
    @Option(names = "--dense", defaultValue = "0.1", description = "A feature firing on more than this fraction of rows is dense (default: ${DEFAULT-VALUE}).") double dense;
    @Option(names = "--json", paramLabel = "FILE", description = "Write the full report as JSON.") Path json;

    @Override public Integer call() {
        if ((acts == null) == (synthetic == null)) throw new ConfigException("eval-sae needs exactly one of --activations FILE or --synthetic N:D:K");
        Sae sae = SaeFolders.read(dir);
        ActivationSource src = acts != null ? SaeFolders.activations(acts, key) : new SyntheticData(SyntheticConfig.parse(synthetic, seed)).source();
        EvalReport r = SaeEval.evaluate(sae, src, rows, 1024, dense);
        var pw = spec.commandLine().getOut();
        pw.printf(Locale.ROOT, "sae        %s (%s, d_in %d, d_sae %d)%n", dir, sae.kind(), sae.dIn(), sae.dFeatures());
        pw.printf(Locale.ROOT, "rows       %d%nL0         %.3f%nFVU        %.6f%nMSE        %.6g%ncosine     %.5f%n", r.rows(), r.l0(), r.fvu(), r.mse(), r.cosine());
        pw.printf(Locale.ROOT, "rel. bias  %.5f%ndead       %.2f%%%ndense      %.2f%%%n", r.relativeBias(), 100 * r.deadFraction(), 100 * r.denseFraction());
        if (json != null) {
            try {
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), r);
            } catch (IOException e) {
                throw new LoupeException("cannot write " + json + ": " + e.getMessage());
            }
            pw.println("wrote " + json);
        }
        pw.flush();
        return 0;
    }
}
