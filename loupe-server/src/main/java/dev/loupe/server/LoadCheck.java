// Load check for the feature browser (not a unit test; wall-time numbers belong in reports, not
// assertions). Runs C concurrent clients for T seconds, each requesting random feature pages of
// one dictionary, and prints requests, errors and latency percentiles. Depends only on the JDK so
// that it runs as a second process straight from source:
//   java loupe-server/src/main/java/dev/loupe/server/LoadCheck.java URL DICT FEATURES [CLIENTS] [SECONDS] [TOKEN]
package dev.loupe.server;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

public final class LoadCheck {
    private LoadCheck() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: LoadCheck URL DICT FEATURES [CLIENTS=50] [SECONDS=10] [TOKEN]");
            System.exit(2);
        }
        String base = args[0].replaceAll("/+$", "");
        String dict = URLEncoder.encode(args[1], StandardCharsets.UTF_8).replace("+", "%20");
        int features = Integer.parseInt(args[2]);
        int clients = args.length > 3 ? Integer.parseInt(args[3]) : 50;
        int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        String token = args.length > 5 ? args[5] : null;

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong errors = new AtomicLong();
        List<long[]> perClient = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        String[] firstError = new String[1];
        for (int c = 0; c < clients; c++) {
            long[][] lat = {new long[1024]};
            int[] n = {0};
            SplittableRandom rnd = new SplittableRandom(c);
            Thread t = Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/dictionaries/" + dict + "/features/" + rnd.nextInt(features)))
                            .timeout(Duration.ofSeconds(30));
                    if (token != null) b.header("Authorization", "Bearer " + token);
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() != 200) fail(errors, firstError, "HTTP " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
                    } catch (Exception e) {
                        fail(errors, firstError, e.toString());
                    }
                    if (n[0] == lat[0].length) lat[0] = Arrays.copyOf(lat[0], n[0] * 2);
                    lat[0][n[0]++] = System.nanoTime() - t0;
                }
                synchronized (perClient) { perClient.add(Arrays.copyOf(lat[0], n[0])); }
            });
            threads.add(t);
        }
        for (Thread t : threads) t.join();
        long[] all = perClient.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("clients %d, %d s: %d requests (%.1f/s), %d errors%n", clients, seconds, all.length, all.length / (double) seconds, errors.get());
        if (all.length > 0)
            System.out.printf("latency ms: p50 %.1f, p90 %.1f, p99 %.1f, max %.1f%n", pct(all, 0.50), pct(all, 0.90), pct(all, 0.99), all[all.length - 1] / 1e6);
        if (firstError[0] != null) System.out.println("first error: " + firstError[0]);
        System.exit(errors.get() == 0 ? 0 : 1);
    }

    private static void fail(AtomicLong errors, String[] first, String what) {
        if (errors.getAndIncrement() == 0) first[0] = what;
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
