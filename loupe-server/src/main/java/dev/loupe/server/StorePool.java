// A bounded pool of read-only FeatureStore connections shared by the server's request threads.
// FeatureStore is not thread-safe (one SQLite connection each), so a request borrows one for the
// duration of its queries and gives it back. Connections are opened lazily up to `max`; a request
// that finds none free waits, and after `waitMillis` gets a 503 instead of queueing forever.
// Not a cache of results: each borrow reads the store's current published analyses.
package dev.loupe.server;

import dev.loupe.store.FeatureStore;
import dev.loupe.util.LoupeException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

final class StorePool implements AutoCloseable {
    private final Path path;
    private final int max;
    private final long waitMillis;
    private final LinkedBlockingDeque<FeatureStore> idle = new LinkedBlockingDeque<>();
    private final List<FeatureStore> all = new ArrayList<>();
    private boolean closed;

    /** Opens one connection now so that a missing or damaged store fails at start-up, not on the first request. */
    StorePool(Path path, int max, long waitMillis) {
        this.path = path;
        this.max = max;
        this.waitMillis = waitMillis;
        FeatureStore first = FeatureStore.openReadOnly(path);
        all.add(first);
        idle.add(first);
    }

    Path path() { return path; }

    <T> T with(Function<FeatureStore, T> work) {
        FeatureStore s = borrow();
        try {
            return work.apply(s);
        } finally {
            idle.addFirst(s);        // LIFO: reuse warm connections (their page cache) first
        }
    }

    private FeatureStore borrow() {
        FeatureStore s = idle.pollFirst();
        if (s != null) return s;
        synchronized (this) {
            if (closed) throw new Busy("the server is shutting down");
            if (all.size() < max) {
                FeatureStore fresh = FeatureStore.openReadOnly(path);
                all.add(fresh);
                return fresh;
            }
        }
        try {
            s = idle.pollFirst(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy("interrupted while waiting for a store connection");
        }
        if (s == null) throw new Busy("all " + max + " store connections are busy; retry in a moment");
        return s;
    }

    @Override public synchronized void close() {
        closed = true;
        for (FeatureStore s : all) s.close();
        all.clear();
        idle.clear();
    }

    /** Too many concurrent requests (the server answers 503). */
    static final class Busy extends LoupeException {
        Busy(String message) { super(message); }
    }
}
