// A probing dataset in memory: activations X [n, units] (row-major float, one row per token or
// sequence), binary labels y [n] (0/1) and group ids [n] (document ids: the train/test split never
// puts rows of one document on both sides). Not a loader: building X from a model or a Dictionary
// is the caller's job (hooks from loupe-core, feature codes from loupe-sae).
package dev.loupe.probe;

import dev.loupe.util.ConfigException;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

public record ProbeData(float[] x, int n, int units, int[] y, long[] groups) {
    public ProbeData {
        if (n < 2 || units < 1) throw new ConfigException("probe data needs at least 2 rows and 1 unit, got " + n + " x " + units);
        if (x.length != (long) n * units) throw new ConfigException("probe activations hold " + x.length + " values, expected n*units = " + n + "*" + units);
        if (y.length != n || groups.length != n) throw new ConfigException("probe data has " + n + " rows but " + y.length + " labels and " + groups.length + " group ids");
        for (int i = 0; i < n; i++) if (y[i] != 0 && y[i] != 1) throw new ConfigException("probe label of row " + i + " is " + y[i] + "; labels must be 0 or 1");
        for (float v : x) if (!Float.isFinite(v)) throw new ConfigException("probe activations contain a non-finite value (" + v + "); check the activation source");
    }

    public float get(int row, int unit) { return x[row * units + unit]; }

    /** Train and test row indices. */
    public record Split(int[] train, int[] test) {}

    /**
     * Splits by group: each group goes to the test side with probability testFraction (decided by a
     * seeded hash of the group id, so a group's side does not depend on the other groups). Both
     * sides must contain both classes.
     */
    public Split splitByGroup(double testFraction, long seed) {
        if (!(testFraction > 0 && testFraction < 1)) throw new ConfigException("test fraction " + testFraction + " must be in (0, 1)");
        boolean[] test = new boolean[n];
        for (int i = 0; i < n; i++) test[i] = new SplittableRandom(seed ^ mix(groups[i])).nextDouble() < testFraction;
        int[] tr = IntStream.range(0, n).filter(i -> !test[i]).toArray();
        int[] te = IntStream.range(0, n).filter(i -> test[i]).toArray();
        for (int[] side : new int[][] {tr, te}) {
            long pos = Arrays.stream(side).filter(i -> y[i] == 1).count();
            if (pos == 0 || pos == side.length)
                throw new ConfigException("the split by document (test fraction " + testFraction + ", seed " + seed + ") leaves a side with "
                        + (pos == 0 ? "no positive" : "no negative") + " rows; use more documents or another seed");
        }
        return new Split(tr, te);
    }

    private static long mix(long z) {   // SplitMix64 finaliser: nearby group ids get unrelated streams
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
