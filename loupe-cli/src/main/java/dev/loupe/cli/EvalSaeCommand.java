package dev.loupe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.activations.CorpusHarvest;
import dev.loupe.activations.HarvestManifest;
import dev.loupe.activations.HarvestOptions;
import dev.loupe.activations.ShardSource;
import dev.loupe.model.Transformer;
import dev.loupe.sae.Sae;
import dev.loupe.sae.eval.EvalReport;
import dev.loupe.sae.eval.Frontier;
import dev.loupe.sae.eval.SaeEval;
import dev.loupe.sae.eval.SpliceEval;
import dev.loupe.sae.io.SaeFolders;
import dev.loupe.sae.train.ActivationSource;
import dev.loupe.synthetic.SyntheticConfig;
import dev.loupe.synthetic.SyntheticData;
import dev.loupe.tokenizer.Tokenizer;
import dev.loupe.util.ConfigException;
import dev.loupe.util.LoupeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "eval-sae", mixinStandardHelpOptions = true,
        description = {"Evaluate SAE folders (SAELens or sparsify): L0, FVU, MSE and more; with --model, CE loss recovered and KL.",
                "Also cosine, relative reconstruction bias, dead and dense fractions. --activations takes a safetensors file or a",
                "harvest folder; --model splices each reconstruction into the model at its hook (held-out windows) against",
                "zero-ablation. Prints a table; --json writes all of it; --frontier draws L0 vs FVU of several SAEs."},
        footerHeading = "%nExamples:%n",
        footer = {"  loupe eval-sae sae-dir --activations acts --model models/loupe-1l --json eval.json",
                "  loupe eval-sae sweep/* --activations acts --frontier frontier.png",
                "  loupe eval-sae sae-dir --activations acts.safetensors",
                "  loupe eval-sae sae-dir --synthetic 512:128:5 --rows 8192"})
final class EvalSaeCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "SAE_DIR") List<Path> dirs;
    @Option(names = "--activations", paramLabel = "FILE|DIR", description = "safetensors file with activations [rows, d_in], or a loupe harvest folder.") Path acts;
    @Option(names = "--key", description = "Tensor name in the activations file (default: its only tensor).") String key;
    @Option(names = "--hook", description = "Hook of the harvest folder / splice point (default: the SAE's meta.hook_name).") String hook;
    @Option(names = "--synthetic", paramLabel = "N_FEATURES:DIM:K", description = "Evaluate on synthetic data instead.") String synthetic;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--rows", defaultValue = "100000", description = "Rows to evaluate at most (default: ${DEFAULT-VALUE}).") long rows;
    @Option(names = "--dense", defaultValue = "0.1", description = "A feature firing on more than this fraction of rows is dense (default: ${DEFAULT-VALUE}).") double dense;
    @Option(names = "--model", paramLabel = "DIR", description = "Also splice into this model: CE loss recovered and KL.") Path model;
    @Option(names = "--corpus", paramLabel = "PATH", description = "With --model: corpus whose held-out split gives the windows (default: this JDK's lib/src.zip).") Path corpus;
    @Option(names = "--windows", defaultValue = "64", description = "With --model: held-out windows to splice on (default: ${DEFAULT-VALUE}).") int windows;
    @Option(names = "--context", defaultValue = "128", description = "With --model: tokens per window (default: ${DEFAULT-VALUE}).") int context;
    @Option(names = "--json", paramLabel = "FILE", description = "Write the full report as JSON.") Path json;
    @Option(names = "--frontier", paramLabel = "PNG", description = "Plot L0 vs FVU of all the SAEs given.") Path frontier;

    @Override public Integer call() {
        if ((acts == null) == (synthetic == null)) throw new ConfigException("eval-sae needs exactly one of --activations FILE|DIR or --synthetic N:D:K");
        var pw = spec.commandLine().getOut();
        Transformer lm = model == null ? null : CorpusHarvest.model(model, null);
        Tokenizer tok = model == null ? null : CorpusHarvest.tokenizer(model);
        int[][] spliceWindows = null;
        if (lm != null) try (var ws = CorpusHarvest.windows(corpus, true, tok, lm, context)) { spliceWindows = ws.take(windows); }
        Map<String, Object> all = new LinkedHashMap<>();
        List<Frontier.Point> points = new ArrayList<>();
        for (Path dir : dirs) {
            Sae sae = SaeFolders.read(dir);
            String h = hook != null ? hook : (String) sae.config().meta().get("hook_name");
            EvalReport r = SaeEval.evaluate(sae, source(h), rows, 1024, dense);
            pw.printf(Locale.ROOT, "sae        %s (%s, d_in %d, d_sae %d)%n", dir, sae.kind(), sae.dIn(), sae.dFeatures());
            pw.printf(Locale.ROOT, "rows       %d%nL0         %.3f%nFVU        %.6f%nMSE        %.6g%ncosine     %.5f%n", r.rows(), r.l0(), r.fvu(), r.mse(), r.cosine());
            pw.printf(Locale.ROOT, "rel. bias  %.5f%ndead       %.2f%%%ndense      %.2f%%%n", r.relativeBias(), 100 * r.deadFraction(), 100 * r.denseFraction());
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("eval", r);
            if (lm != null) {
                if (h == null) throw new ConfigException(dir + ": the SAE's cfg.json names no meta.hook_name; pass --hook to splice it");
                var s = SpliceEval.evaluate(lm, h, sae, spliceWindows, HarvestOptions.defaults().withSpecialIds(tok));
                pw.printf(Locale.ROOT, "CE clean   %.4f%nCE zero    %.4f%nCE sae     %.4f%nCE recov.  %.4f%nKL sae     %.5f%nKL zero    %.5f%n",
                        s.cleanLoss(), s.zeroLoss(), s.splicedLoss(), s.ceRecovered(), s.klSpliced(), s.klZero());
                entry.put("splice", s);
            }
            all.put(dir.toString(), entry);
            points.add(new Frontier.Point(dir.getFileName().toString(), sae.kind(), r.l0(), r.fvu()));
        }
        if (frontier != null) {
            Frontier.plot(frontier, points);
            pw.println("wrote " + frontier);
        }
        if (json != null) {
            try {
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), dirs.size() == 1 && lm == null ? ((Map<?, ?>) all.values().iterator().next()).get("eval") : all);
            } catch (IOException e) {
                throw new LoupeException("cannot write " + json + ": " + e.getMessage());
            }
            pw.println("wrote " + json);
        }
        pw.flush();
        return 0;
    }

    /** A fresh source for one SAE: synthetic data, a harvest folder's hook, or a safetensors file. */
    private ActivationSource source(String h) {
        if (synthetic != null) return new SyntheticData(SyntheticConfig.parse(synthetic, seed)).source();
        if (!HarvestManifest.exists(acts)) return SaeFolders.activations(acts, key);
        if (h == null) throw new ConfigException("the SAE names no meta.hook_name; pass --hook to pick the harvest's activations");
        ShardSource s = ShardSource.open(acts, h, 16384, seed);   // shuffled, so --rows below the harvest size is a sample of all of it
        rows = Math.min(rows, s.rows());   // at most one epoch: the source itself is endless
        return s;
    }
}
