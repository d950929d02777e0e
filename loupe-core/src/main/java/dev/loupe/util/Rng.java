package dev.loupe.util;

/**
 * SplitMix64 generator whose whole state is one long, so training checkpoints can store and restore it
 * exactly (java.util.Random hides its seed). Reference: Steele, Lea and Flood, "Fast splittable
 * pseudorandom number generators" (2014). Not cryptographic; not thread-safe.
 */
public final class Rng {
    private long state;

    public Rng(long seed) { this.state = seed; }

    public long state() { return state; }
    public void setState(long s) { state = s; }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1). */
    public double nextDouble() { return (nextLong() >>> 11) * 0x1.0p-53; }

    public float nextFloat() { return (nextLong() >>> 40) * 0x1.0p-24f; }

    /** Uniform in [0, bound) by modulo (bias ≤ bound/2^64; what the SAE trainer's streams use). */
    public int nextInt(int bound) { return (int) Math.floorMod(nextLong(), (long) bound); }

    /** Uniform in [0, bound), bound &gt; 0 (rejection sampling, no modulo bias). */
    public long nextLong(long bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
        long limit = Long.MAX_VALUE - (Long.MAX_VALUE % bound);
        long r;
        do { r = nextLong() >>> 1; } while (r >= limit);
        return r % bound;
    }

    /** Standard normal by Box–Muller (no cached spare, so the state stays one long). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]
        double u2 = nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** A well-mixed seed derived from a base seed and a stream index (e.g. a row number). */
    public static long mix(long seed, long index) {
        Rng r = new Rng(seed ^ (index * 0xD1B54A32D192ED03L));
        r.nextLong();
        return r.nextLong();
    }
}
