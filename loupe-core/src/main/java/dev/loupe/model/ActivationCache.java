package dev.loupe.model;

import dev.loupe.tensor.Tensor;
import dev.loupe.util.ConfigException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Copies of hook activations from one forward pass (TransformerLens {@code ActivationCache}), keyed
 * by hook name, with the leading batch dimension, plus the logits [batch, pos, vocab] when the pass
 * ran to the end ({@code null} when it stopped early because no requested hook needed later layers).
 * Not a disk format or a streaming harvester: everything is in memory.
 */
public final class ActivationCache {
    private final Map<String, Tensor> acts;
    private final Tensor logits;

    ActivationCache(Map<String, Tensor> acts, Tensor logits) {
        this.acts = Collections.unmodifiableMap(new LinkedHashMap<>(acts));
        this.logits = logits;
    }

    public Tensor get(String name) {
        Tensor t = acts.get(name);
        if (t == null) throw new ConfigException("hook '" + name + "' was not cached; cached: " + acts.keySet());
        return t;
    }

    public boolean contains(String name) { return acts.containsKey(name); }
    public Set<String> names() { return acts.keySet(); }
    public Map<String, Tensor> asMap() { return acts; }
    /** [batch, pos, vocab], or null when the forward pass stopped before the unembedding. */
    public Tensor logits() { return logits; }
}
