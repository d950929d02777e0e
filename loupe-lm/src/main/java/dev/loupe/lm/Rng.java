package dev.loupe.lm;

/**
 * SplitMix64 generator whose whole state is one {@code long}, so a checkpoint can save it and a
 * resumed run continues the exact same stream (java.util.SplittableRandom hides its state).
 * Gaussians by Box–Muller without caching, so the state really is the single long.
 */
public final class Rng {
    private long state;

    public Rng(long seed) { this.state = seed; }

    public long state() { return state; }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() { return (nextLong() >>> 11) * 0x1.0p-53; }

    /** Uniform in [0, bound), bound &gt; 0 (rejection sampling, no modulo bias). */
    public long nextLong(long bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
        long limit = Long.MAX_VALUE - (Long.MAX_VALUE % bound);
        long r;
        do { r = nextLong() >>> 1; } while (r >= limit);
        return r % bound;
    }

    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(), u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
