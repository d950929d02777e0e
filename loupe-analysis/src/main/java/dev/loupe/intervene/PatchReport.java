package dev.loupe.intervene;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.loupe.plot.Plots;
import dev.loupe.util.AtomicFiles;
import dev.loupe.util.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes {@link Patching} curves of one or more dictionaries on the same site: {@code patch.json} (the
 * curves as records serialise: dictionary, hook, steps with size/feature/kl/logitDiff/editNorm, ...),
 * {@code kl_vs_k.png} (KL(patched ‖ target) against |F|) and {@code kl_vs_edit.png} (against the mean
 * edit norm), the two panels of Cunningham et al. 2023 Fig. 3.
 */
public final class PatchReport {
    private PatchReport() {}

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static void write(Path dir, List<Patching.Curve> curves) {
        try {
            Files.createDirectories(dir);
            AtomicFiles.writeString(dir.resolve("patch.json"), JSON.writeValueAsString(curves) + "\n");
        } catch (IOException e) {
            throw new ConfigException(dir + ": cannot write the patching report (" + e.getMessage() + ")");
        }
        Plots.xy(dir.resolve("kl_vs_k.png"), "Feature patching (greedy order)", "patched features |F|", "KL(patched || target)",
                curves.stream().map(c -> Plots.Series.line(c.dictionary(), column(c, 0), column(c, 1))).toList(), false, false);
        Plots.xy(dir.resolve("kl_vs_edit.png"), "Feature patching: KL against edit size", "mean edit norm", "KL(patched || target)",
                curves.stream().map(c -> Plots.Series.line(c.dictionary(), column(c, 2), column(c, 1))).toList(), false, false);
    }

    /** 0: |F|, 1: KL, 2: edit norm, per step. */
    private static double[] column(Patching.Curve c, int which) {
        return c.steps().stream().mapToDouble(s -> switch (which) {
            case 0 -> s.size();
            case 1 -> s.kl();
            default -> s.editNorm();
        }).toArray();
    }
}
