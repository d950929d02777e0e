package dev.loupe.plot;

import dev.loupe.util.AtomicFiles;
import dev.loupe.util.ConfigException;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PNG charts for every Loupe report (SAE frontiers, KL-vs-k curves, probe sweeps, auto-interp comparisons),
 * drawn with XChart so no browser or display is needed (headless AWT). One look for all of them: 800×500,
 * white background, series in insertion order. Not an interactive plotting layer: the browser draws its
 * own inline SVG.
 */
public final class Plots {
    public static final int WIDTH = 800, HEIGHT = 500;

    private Plots() {}

    /** One named series of (x, y) points. */
    public record Series(String name, double[] x, double[] y, boolean markersOnly) {
        public Series {
            if (x.length != y.length) throw new ConfigException("series " + name + " has " + x.length + " x values and " + y.length + " y values");
            if (x.length == 0) throw new ConfigException("series " + name + " is empty");
        }

        public static Series line(String name, double[] x, double[] y) { return new Series(name, x, y, false); }

        public static Series points(String name, double[] x, double[] y) { return new Series(name, x, y, true); }
    }

    /** An x–y chart (lines or scatter per series), optionally with log axes, written atomically to {@code png}. */
    public static void xy(Path png, String title, String xLabel, String yLabel, List<Series> series, boolean logX, boolean logY) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setXAxisLogarithmic(logX).setYAxisLogarithmic(logY).setChartBackgroundColor(java.awt.Color.WHITE);
        for (Series s : series) {
            XYSeries xs = chart.addSeries(s.name(), s.x(), s.y());
            if (s.markersOnly()) xs.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        }
        write(png, chart);
    }

    /** A grouped bar chart: one bar per (category, group), e.g. auto-interp score per dictionary per scoring set. */
    public static void bars(Path png, String title, String yLabel, List<String> categories, Map<String, double[]> groups) {
        bars(png, title, yLabel, categories, groups, null);
    }

    /**
     * As {@link #bars(Path, String, String, List, Map)} with a symmetric error bar of half-width
     * {@code errors.get(group)[i]} on each bar (null: no error bars).
     */
    public static void bars(Path png, String title, String yLabel, List<String> categories, Map<String, double[]> groups, Map<String, double[]> errors) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).yAxisTitle(yLabel).build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        if (errors != null) chart.getStyler().setErrorBarsColor(java.awt.Color.BLACK);
        for (var e : new LinkedHashMap<>(groups).entrySet()) {
            if (e.getValue().length != categories.size())
                throw new ConfigException("bar group " + e.getKey() + " has " + e.getValue().length + " values for " + categories.size() + " categories");
            double[] err = errors == null ? null : errors.get(e.getKey());
            if (err != null && err.length != categories.size())
                throw new ConfigException("bar group " + e.getKey() + " has " + err.length + " error bars for " + categories.size() + " categories");
            if (err == null) chart.addSeries(e.getKey(), categories, toList(e.getValue()));
            else chart.addSeries(e.getKey(), categories, toList(e.getValue()), toList(err));
        }
        write(png, chart);
    }

    private static List<Double> toList(double[] v) {
        Double[] b = new Double[v.length];
        for (int i = 0; i < v.length; i++) b[i] = v[i];
        return List.of(b);
    }

    private static void write(Path png, Chart<?, ?> chart) {
        try {
            Path parent = png.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            AtomicFiles.write(png, tmp -> {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
                }
            });
        } catch (IOException e) {
            throw new ConfigException("cannot write plot " + png + ": " + e.getMessage() + "; check the directory is writable");
        }
    }
}
