package dev.loupe.activations;

import dev.loupe.sae.Sae;
import dev.loupe.sae.SaeConfig;
import dev.loupe.sae.Saes;
import dev.loupe.sae.eval.EvalReport;
import dev.loupe.sae.eval.SaeEval;
import dev.loupe.sae.io.SaeLensFormat;
import dev.loupe.sae.train.SaeTrainer;
import dev.loupe.sae.train.TrainRun;
import dev.loupe.sae.train.TrainSaeConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains one or several SAEs (a sweep) on one hook of a harvest folder — all runs read the same shuffled
 * {@link ShardSource} stream, so a sweep costs one harvest — then evaluates each on the harvested rows and
 * writes it as a SAELens folder with {@code meta.hook_name}, {@code meta.model_name} and its feature
 * density. Not the trainer ({@link SaeTrainer}) or the splice metrics ({@code SpliceEval}).
 */
public final class ActivationTraining {
    private ActivationTraining() {}

    /** One trained SAE: where it was written and how it does on the harvested rows. */
    public record Result(String name, Path dir, Sae sae, EvalReport eval) {}

    /**
     * @param out       the SAE folder for a single run; for several, the parent of one folder per run name
     * @param evalRows  rows (at most one epoch, drawn shuffled) for the final evaluation and sparsity file
     */
    public static List<Result> train(List<TrainSaeConfig> cfgs, Path activations, String hook, int shuffleBuffer,
                                     Path out, SaeTrainer.Options opt, long evalRows) {
        HarvestManifest m = HarvestManifest.read(activations);
        ShardSource src = ShardSource.open(activations, hook, shuffleBuffer, cfgs.get(0).seed());
        List<TrainRun> runs = SaeTrainer.train(cfgs, src, opt);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("hook_name", hook);
        meta.put("model_name", m.identity().path("model").asText());
        meta.put("context_size", m.contextSize());
        meta.put("prepend_bos", true);
        meta.put("dataset_path", activations.toAbsolutePath().toString());
        List<Result> results = new ArrayList<>();
        for (TrainRun r : runs) {
            Sae trained = r.finalSae();
            SaeConfig c = trained.config();
            Sae sae = Saes.empty(new SaeConfig(c.architecture(), c.dIn(), c.dSae(), c.k(), c.tied(), meta));
            sae.copyFrom(trained);
            var sample = ShardSource.open(activations, hook, shuffleBuffer, cfgs.get(0).seed() + 1);   // shuffled: a sample of the whole harvest
            EvalReport eval = SaeEval.evaluate(sae, sample, Math.min(evalRows, src.rows()), 1024, 0.1);
            Path dir = cfgs.size() == 1 ? out : out.resolve(r.config().name());
            SaeLensFormat.write(sae, dir, eval.log10Density());
            results.add(new Result(r.config().name(), dir, sae, eval));
        }
        return results;
    }
}
