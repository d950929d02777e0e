package dev.loupe.model;

import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The hooks registered on one {@link Transformer}, by hook-point name. Components ask
 * {@link #has(String)} before building anything a hook would need, so a forward pass with no hooks
 * allocates nothing for them. Hooks on one point run in registration order, each seeing the
 * previous one's result. Names are TransformerLens's ({@code hook_points} of {@code HookedTransformer}).
 * Not thread-safe: register and run from one thread.
 */
public final class Hooks {
    private final List<String> ordered;
    private final Set<String> valid;
    private final Map<String, List<Hook>> byName = new HashMap<>();

    Hooks(List<String> names) {
        this.ordered = List.copyOf(names);
        this.valid = Set.copyOf(names);
    }

    /** Registers {@code hook} at {@code name}; unknown names are a {@link ConfigException} listing valid ones. */
    public HookHandle add(String name, Hook hook) {
        checkName(name);
        List<Hook> list = byName.computeIfAbsent(name, k -> new ArrayList<>());
        list.add(hook);
        return () -> {
            List<Hook> l = byName.get(name);
            if (l != null && l.remove(hook) && l.isEmpty()) byName.remove(name);
        };
    }

    /** Throws a {@link ConfigException} listing some valid names unless {@code name} is a hook point. */
    public void checkName(String name) {
        if (valid.contains(name)) return;
        List<String> closest = ordered.stream()
                .sorted(java.util.Comparator.comparingInt((String v) -> editDistance(name, v))).limit(3).toList();
        throw new ConfigException("unknown hook point '" + name + "'; closest: " + String.join(", ", closest)
                + "; names look like " + String.join(", ", ordered.subList(0, Math.min(3, ordered.size())))
                + " (" + ordered.size() + " in all: Transformer.hookNames(), or --hooks all)");
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++)
                cur[j] = Math.min(Math.min(cur[j - 1], prev[j]) + 1, prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }

    public boolean has(String name) { return !byName.isEmpty() && byName.containsKey(name); }

    public boolean isEmpty() { return byName.isEmpty(); }

    /** Names that currently have at least one hook. */
    public Set<String> active() { return Set.copyOf(byName.keySet()); }

    public void clear() { byName.clear(); }

    /**
     * Runs the hooks at {@code name} on {@code act}; returns the (possibly replaced) activation. A
     * replacement is copied, so the engine may keep working in place without touching a tensor the
     * caller owns (e.g. a cached activation used for patching).
     */
    Tensor fire(String name, Tensor act, int layer, int batch, int seq, int startPos) {
        List<Hook> list = byName.get(name);
        if (list == null) return act;
        Tensor original = act;
        HookContext ctx = new HookContext(name, layer, batch, seq, startPos);
        for (Hook h : List.copyOf(list)) {
            Tensor out = h.apply(act, ctx);
            if (out == null) throw new ConfigException("hook at '" + name + "' returned null; return the activation itself to only read it");
            if (!Arrays.equals(out.shape(), act.shape()))
                throw new ConfigException("hook at '" + name + "' returned shape " + Arrays.toString(out.shape())
                        + " but the activation is " + Arrays.toString(act.shape()));
            act = out;
        }
        return act == original ? act : act.copy();
    }
}
