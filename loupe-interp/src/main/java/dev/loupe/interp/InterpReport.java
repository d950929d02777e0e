package dev.loupe.interp;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The comparison report of {@code loupe interp report} (the analogue of Cunningham et al. Fig. 2):
 * per basis (SAE, neurons, PCA, ICA, random directions, random-weights model …) the mean
 * top-and-random and random-only scores with bootstrap 95% CIs, as a Markdown table and a PNG bar
 * chart with error bars. Undefined scores are excluded from the means and counted in the table.
 */
public final class InterpReport {
    private InterpReport() {}

    public static String table(Map<String, AutoInterp.Summary> byBasis) {
        StringBuilder sb = new StringBuilder("| basis | scored | skipped | failed | top-and-random (95% CI) | random-only (95% CI) | undefined (t&r / r-o) |\n");
        sb.append("|---|---:|---:|---:|---|---|---|\n");
        for (var e : byBasis.entrySet()) {
            AutoInterp.Summary s = e.getValue();
            sb.append("| ").append(e.getKey()).append(" | ").append(s.done()).append(" | ").append(s.skipped()).append(" | ").append(s.failed())
                    .append(" | ").append(ci(s.topAndRandom())).append(" | ").append(ci(s.randomOnly())).append(" | ")
                    .append(s.topAndRandom().undefined()).append(" / ").append(s.randomOnly().undefined()).append(" |\n");
        }
        return sb.toString();
    }

    static String ci(Bootstrap.MeanCi c) {
        if (c.n() == 0) return "n/a";
        return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", c.mean(), c.lo(), c.hi());
    }

    /** Writes the bar chart atomically (temp file + rename). */
    public static void png(Map<String, AutoInterp.Summary> byBasis, Path out) {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        int groups = byBasis.size(), w = Math.max(480, 140 * groups + 120), h = 420, left = 70, right = 20, top = 40, bottom = 70;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            double lo = 0, hi = 0.1;  // y range covers every CI and zero
            for (AutoInterp.Summary s : byBasis.values()) {
                for (Bootstrap.MeanCi c : List.of(s.topAndRandom(), s.randomOnly())) {
                    if (c.n() == 0) continue;
                    lo = Math.min(lo, c.lo());
                    hi = Math.max(hi, c.hi());
                }
            }
            hi = Math.ceil(hi * 10) / 10;
            lo = Math.floor(lo * 10) / 10;
            int plotH = h - top - bottom;
            final double ylo = lo, yhi = hi;
            java.util.function.DoubleToIntFunction y = v -> top + (int) Math.round((yhi - v) / (yhi - ylo) * plotH);
            g.setColor(Color.DARK_GRAY);
            g.drawString("Auto-interp score by basis (mean, 95% bootstrap CI)", left, 20);
            for (double t = lo; t <= hi + 1e-9; t += 0.1) {
                int yy = y.applyAsInt(t);
                g.setColor(new Color(230, 230, 230));
                g.drawLine(left, yy, w - right, yy);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%.1f", t), 30, yy + 4);
            }
            Color[] colours = {new Color(31, 119, 180), new Color(255, 127, 14)};
            int slot = (w - left - right) / Math.max(1, groups), bar = Math.max(10, slot / 3), k = 0;
            for (var e : byBasis.entrySet()) {
                int x0 = left + k * slot + (slot - 2 * bar) / 2;
                List<Bootstrap.MeanCi> cis = List.of(e.getValue().topAndRandom(), e.getValue().randomOnly());
                for (int b = 0; b < 2; b++) {
                    Bootstrap.MeanCi c = cis.get(b);
                    if (c.n() == 0) continue;
                    int x = x0 + b * bar, y0 = y.applyAsInt(0), ym = y.applyAsInt(c.mean());
                    g.setColor(colours[b]);
                    g.fillRect(x, Math.min(y0, ym), bar - 2, Math.abs(y0 - ym));
                    g.setColor(Color.BLACK);
                    g.setStroke(new BasicStroke(1.5f));
                    int xc = x + bar / 2 - 1;
                    g.drawLine(xc, y.applyAsInt(c.lo()), xc, y.applyAsInt(c.hi()));
                    g.drawLine(xc - 4, y.applyAsInt(c.lo()), xc + 4, y.applyAsInt(c.lo()));
                    g.drawLine(xc - 4, y.applyAsInt(c.hi()), xc + 4, y.applyAsInt(c.hi()));
                }
                g.setColor(Color.DARK_GRAY);
                g.drawString(e.getKey(), x0 + bar - g.getFontMetrics().stringWidth(e.getKey()) / 2, h - bottom + 18);
                k++;
            }
            for (int b = 0; b < 2; b++) {
                g.setColor(colours[b]);
                g.fillRect(left + b * 160, h - 28, 12, 12);
                g.setColor(Color.DARK_GRAY);
                g.drawString(b == 0 ? "top-and-random" : "random-only", left + b * 160 + 16, h - 18);
            }
        } finally {
            g.dispose();
        }
        dev.loupe.util.AtomicFiles.write(out, tmp -> {
            if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException("no PNG writer in this JDK");
        });
    }
}
