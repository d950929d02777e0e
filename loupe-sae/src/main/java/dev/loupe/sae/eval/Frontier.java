package dev.loupe.sae.eval;

import dev.loupe.plot.Plots;
import dev.loupe.util.ConfigException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sparsity–reconstruction frontier of a sweep: one point per SAE at (L0, FVU), one line per
 * architecture through its SAEs in order of L0, as a PNG ({@link Plots}). L0 is on a log axis when every
 * L0 is positive. Lower-left is better. Not the evaluation itself ({@link SaeEval}).
 */
public final class Frontier {
    private Frontier() {}

    /** One evaluated SAE. */
    public record Point(String name, String kind, double l0, double fvu) {}

    public static void plot(Path png, List<Point> points) {
        if (points.isEmpty()) throw new ConfigException("no SAEs to plot on the L0–FVU frontier");
        Map<String, List<Point>> byKind = new LinkedHashMap<>();
        for (Point p : points) byKind.computeIfAbsent(p.kind(), k -> new ArrayList<>()).add(p);
        List<Plots.Series> series = new ArrayList<>();
        for (var e : byKind.entrySet()) {
            List<Point> ps = e.getValue().stream().sorted(Comparator.comparingDouble(Point::l0)).toList();
            series.add(Plots.Series.line(e.getKey(), ps.stream().mapToDouble(Point::l0).toArray(), ps.stream().mapToDouble(Point::fvu).toArray()));
        }
        boolean logX = points.stream().allMatch(p -> p.l0() > 0);
        Plots.xy(png, "L0–FVU frontier (" + points.size() + " SAEs)", "L0 (active features per token)", "FVU (fraction of variance unexplained)",
                series, logX, false);
    }
}
