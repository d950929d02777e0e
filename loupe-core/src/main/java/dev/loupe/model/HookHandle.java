package dev.loupe.model;

/** Returned by {@link Hooks#add}; closing it removes that hook (idempotent). */
public interface HookHandle extends AutoCloseable {
    @Override void close();
}
