// A text progress bar for the demo's stages: "label [#########-----------]  45%  450k/1.0M tokens  12s".
// On a terminal it redraws one line in place (\r) at most every 200 ms; elsewhere (logs, CI, tests)
// it prints a line at every quarter so output stays short. Not thread-safe; one bar at a time.
package dev.loupe.server.demo;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Locale;

final class ProgressBar {
    private static final int WIDTH = 28;
    private final PrintWriter out;
    private final boolean interactive;
    private final String label, unit;
    private final long total, start = System.nanoTime();
    private long lastDraw;
    private int lastQuarter = -1;

    ProgressBar(PrintWriter out, boolean interactive, String label, long total, String unit) {
        this.out = out;
        this.interactive = interactive;
        this.label = label;
        this.total = Math.max(1, total);
        this.unit = unit;
        update(0);
    }

    void update(long done) {
        long now = System.nanoTime();
        double f = Math.min(1, (double) done / total);
        if (interactive) {
            if (now - lastDraw < 200_000_000L && done < total) return;
            lastDraw = now;
            out.print("\r" + line(done, f));
        } else {
            int q = (int) (f * 4);
            if (q == lastQuarter) return;
            lastQuarter = q;
            out.println(line(done, f));
        }
        out.flush();
    }

    /** Completes the bar and prints {@code summary} after it (its own line when not interactive). */
    void finish(long done, String summary) {
        if (interactive) out.print("\r" + line(done, 1) + "  " + summary + "\n");
        else out.println(label + " done: " + summary + String.format(Locale.ROOT, " (%.0fs)", seconds()));
        out.flush();
    }

    double seconds() { return (System.nanoTime() - start) / 1e9; }

    private String line(long done, double f) {
        int filled = (int) Math.round(f * WIDTH);
        return String.format(Locale.ROOT, "%-22s [%s%s] %3d%%  %s/%s %s  %.0fs", label, "#".repeat(filled), "-".repeat(WIDTH - filled),
                (int) Math.round(f * 100), human(done), human(total), unit, seconds());
    }

    static String human(long n) {
        if (n >= 1_000_000) return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        if (n >= 10_000) return String.format(Locale.ROOT, "%.0fk", n / 1e3);
        return Long.toString(n);
    }

    /** Wraps an iterator so that every element taken advances the bar by {@code weight}. */
    <T> Iterator<T> counting(Iterator<T> it, long weight) {
        return new Iterator<>() {
            long done;
            @Override public boolean hasNext() { return it.hasNext(); }
            @Override public T next() {
                T t = it.next();
                done += weight;
                update(done);
                return t;
            }
        };
    }
}
