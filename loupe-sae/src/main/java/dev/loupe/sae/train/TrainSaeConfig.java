package dev.loupe.sae.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.sae.SaeConfig;
import dev.loupe.util.ConfigException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Everything one SAE training run needs, validated when built. Field names are the JSON keys of a
 * {@code train-sae} config file (camelCase); {@link #fromJson} lays a file or flag overrides over
 * {@link #defaults}, and {@link #with} changes one key, so CLI overrides and sweeps are key/value edits.
 *
 * @param name                   run name (checkpoint sub-folder, progress prefix)
 * @param architecture           standard | topk | batchtopk | jumprelu | gated
 * @param dIn                    activation width
 * @param dSae                   dictionary size
 * @param k                      topk / batchtopk active features per row (0 otherwise)
 * @param tied                   standard only: encoder = decoderᵀ
 * @param sparsityCoefficient    α: L1 coefficient (standard, gated) or L0 coefficient (jumprelu)
 * @param sparsityWarmupSteps    α ramps linearly from 0 over these steps
 * @param auxCoefficient         AuxK weight (topk, batchtopk); Gao et al. use 1/32
 * @param lr                     Adam learning rate (peak)
 * @param beta1                  Adam β₁
 * @param beta2                  Adam β₂
 * @param eps                    Adam ε
 * @param lrWarmupSteps          linear warm-up from 0 to lr over these steps
 * @param lrDecay                constant | linear | cosine, from the end of warm-up to the last step
 * @param lrEndFactor            final lr = lr · lrEndFactor for linear / cosine decay
 * @param totalSteps             optimisation steps
 * @param batchSize              rows per step
 * @param normalizeDecoder       keep W_dec rows at unit norm (gradient's parallel component removed)
 * @param normalizeActivations   none | expected_average_only_in (scale inputs so E‖x‖ = √d_in; folded on save)
 * @param normSampleBatches      batches used to estimate the normalisation scale
 * @param geometricMedianSamples rows for the b_dec geometric-median init (0: b_dec starts at 0)
 * @param deadFeatureWindow      a feature silent for this many rows (tokens) counts as dead
 * @param resampleEvery          standard / gated: resample dead features every this many steps (0: never)
 * @param jumpreluBandwidth      JumpReLU straight-through kernel width ε
 * @param jumpreluInitThreshold  JumpReLU initial threshold θ
 * @param seed                   initialisation and resampling randomness
 * @param checkpointEvery        write a checkpoint every this many steps (0: never)
 * @param checkpointDir          folder for checkpoints (null: none)
 * @param logEvery               progress line every this many steps (0: never)
 */
public record TrainSaeConfig(
        String name, String architecture, int dIn, int dSae, int k, boolean tied,
        double sparsityCoefficient, int sparsityWarmupSteps, double auxCoefficient,
        double lr, double beta1, double beta2, double eps, int lrWarmupSteps, String lrDecay, double lrEndFactor,
        long totalSteps, int batchSize,
        boolean normalizeDecoder, String normalizeActivations, int normSampleBatches, int geometricMedianSamples,
        long deadFeatureWindow, int resampleEvery,
        double jumpreluBandwidth, double jumpreluInitThreshold,
        long seed, int checkpointEvery, String checkpointDir, int logEvery) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> DECAYS = Set.of("constant", "linear", "cosine");
    private static final Set<String> NORMS = Set.of("none", "expected_average_only_in");

    public TrainSaeConfig {
        if (name == null || name.isBlank() || !name.matches("[A-Za-z0-9._-]+"))
            throw new ConfigException("name '" + name + "' must be non-empty letters, digits, '.', '_' or '-' (it names the checkpoint folder)");
        new SaeConfig(architecture, dIn, dSae, k, tied, null);   // architecture, sizes, k, tied
        positive("lr", lr);
        if (!(beta1 >= 0 && beta1 < 1)) throw new ConfigException("beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new ConfigException("beta2 must be in [0, 1), got " + beta2);
        positive("eps", eps);
        if (!(sparsityCoefficient >= 0) || Double.isInfinite(sparsityCoefficient)) throw new ConfigException("sparsityCoefficient must be a finite number >= 0, got " + sparsityCoefficient);
        if (!(auxCoefficient >= 0) || Double.isInfinite(auxCoefficient)) throw new ConfigException("auxCoefficient must be a finite number >= 0, got " + auxCoefficient);
        if (lrDecay == null || !DECAYS.contains(lrDecay)) throw new ConfigException("lrDecay '" + lrDecay + "' must be one of constant, linear, cosine");
        if (!(lrEndFactor >= 0 && lrEndFactor <= 1)) throw new ConfigException("lrEndFactor must be in [0, 1], got " + lrEndFactor);
        if (normalizeActivations == null || !NORMS.contains(normalizeActivations))
            throw new ConfigException("normalizeActivations '" + normalizeActivations + "' must be none or expected_average_only_in");
        if (totalSteps < 1) throw new ConfigException("totalSteps must be >= 1, got " + totalSteps);
        if (batchSize < 1) throw new ConfigException("batchSize must be >= 1, got " + batchSize);
        nonNegative("sparsityWarmupSteps", sparsityWarmupSteps);
        nonNegative("lrWarmupSteps", lrWarmupSteps);
        if (lrWarmupSteps >= totalSteps && lrWarmupSteps > 0) throw new ConfigException("lrWarmupSteps (" + lrWarmupSteps + ") must be less than totalSteps (" + totalSteps + ")");
        if (normSampleBatches < 1) throw new ConfigException("normSampleBatches must be >= 1, got " + normSampleBatches);
        nonNegative("geometricMedianSamples", geometricMedianSamples);
        if (deadFeatureWindow < 1) throw new ConfigException("deadFeatureWindow must be >= 1 token, got " + deadFeatureWindow);
        nonNegative("resampleEvery", resampleEvery);
        if (resampleEvery > 0 && !(architecture.equals("standard") || architecture.equals("gated")))
            throw new ConfigException("resampleEvery is for standard and gated SAEs; topk/batchtopk use AuxK (auxCoefficient) — set resampleEvery to 0");
        positive("jumpreluBandwidth", jumpreluBandwidth);
        positive("jumpreluInitThreshold", jumpreluInitThreshold);
        nonNegative("checkpointEvery", checkpointEvery);
        if (checkpointEvery > 0 && (checkpointDir == null || checkpointDir.isBlank()))
            throw new ConfigException("checkpointEvery is " + checkpointEvery + " but checkpointDir is not set; give a folder or set checkpointEvery to 0");
        nonNegative("logEvery", logEvery);
    }

    private static void positive(String key, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new ConfigException(key + " must be a finite number > 0, got " + v);
    }

    private static void nonNegative(String key, long v) {
        if (v < 0) throw new ConfigException(key + " must be >= 0, got " + v);
    }

    /**
     * Defaults: Adam(4e-4, 0.9, 0.999, 1e-8), constant lr, unit-norm decoder, b_dec at the geometric median
     * of 4096 rows, α = 5 (L1) or 1e-3 (jumprelu L0), k = 32 and AuxK 1/32 for topk/batchtopk.
     */
    public static TrainSaeConfig defaults(String architecture, int dIn, int dSae) {
        boolean sparse = architecture.equals("topk") || architecture.equals("batchtopk");
        return new TrainSaeConfig("sae", architecture, dIn, dSae, sparse ? Math.min(32, dSae) : 0, false,
                architecture.equals("jumprelu") ? 1e-3 : 5.0, 0, sparse ? 1.0 / 32 : 0,
                4e-4, 0.9, 0.999, 1e-8, 0, "constant", 0.1,
                10_000, 4096,
                true, "none", 10, 4096,
                1_000_000, 0,
                1e-3, 1e-3,
                0, 0, null, 100);
    }

    /** This config as a JSON object (the config-file format). */
    public ObjectNode toJson() { return JSON.valueToTree(this); }

    /**
     * Defaults for {@code architecture/dIn/dSae} (taken from the overrides, which must name them) with the
     * overrides' keys laid over; unknown keys are an error naming the key.
     */
    public static TrainSaeConfig fromJson(JsonNode overrides) {
        if (overrides == null || !overrides.isObject()) throw new ConfigException("a train-sae config must be a JSON object");
        for (String req : List.of("architecture", "dIn", "dSae"))
            if (!overrides.has(req)) throw new ConfigException("config is missing the required key '" + req + "'");
        TrainSaeConfig base = defaults(overrides.get("architecture").asText(), overrides.get("dIn").asInt(), overrides.get("dSae").asInt());
        ObjectNode merged = base.toJson();
        // defaults picked k and coefficients for the architecture; keep those unless overridden
        for (var it = overrides.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!merged.has(e.getKey())) throw new ConfigException("unknown train-sae config key '" + e.getKey() + "'; known keys: " + fieldNames(merged));
            merged.set(e.getKey(), e.getValue());
        }
        try {
            return JSON.treeToValue(merged, TrainSaeConfig.class);
        } catch (com.fasterxml.jackson.databind.exc.ValueInstantiationException e) {
            if (e.getCause() instanceof ConfigException ce) throw ce;
            throw new ConfigException("invalid train-sae config: " + firstLine(e.getOriginalMessage()));
        } catch (java.io.IOException e) {
            throw new ConfigException("invalid train-sae config value: " + firstLine(e.getMessage()));
        }
    }

    /**
     * Layers a JSON config file (may be null) and then KEY=VALUE overrides (values parsed as JSON
     * scalars, else taken as strings) over this config — the {@code train-sae --config F --set K=V} rule.
     */
    public TrainSaeConfig overlay(java.nio.file.Path file, List<String> keyValues) {
        ObjectNode o = toJson();
        if (file != null) {
            JsonNode f;
            try {
                f = JSON.readTree(file.toFile());
            } catch (java.io.IOException e) {
                throw new ConfigException(file + ": cannot read the train-sae config (" + firstLine(e.getMessage()) + ")");
            }
            if (f == null || !f.isObject()) throw new ConfigException(file + ": a train-sae config must be a JSON object");
            for (var it = f.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!o.has(e.getKey())) throw new ConfigException(file + ": unknown train-sae config key '" + e.getKey() + "'; known keys: " + fieldNames(o));
                o.set(e.getKey(), e.getValue());
            }
        }
        for (String kv : keyValues == null ? List.<String>of() : keyValues) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new ConfigException("override '" + kv + "' must be KEY=VALUE, e.g. lr=1e-3");
            String key = kv.substring(0, eq), val = kv.substring(eq + 1);
            if (!o.has(key)) throw new ConfigException("unknown train-sae config key '" + key + "' in override '" + kv + "'; known keys: " + fieldNames(o));
            JsonNode v;
            try {
                v = JSON.readTree(val);
                if (v == null || v.isContainerNode() || v.isMissingNode()) v = JSON.getNodeFactory().textNode(val);
            } catch (java.io.IOException e) {
                v = JSON.getNodeFactory().textNode(val);
            }
            o.set(key, v);
        }
        return fromJson(o);
    }

    /** A copy with one key changed (the key's JSON name; value as JSON scalar). */
    public TrainSaeConfig with(String key, Object value) {
        ObjectNode o = toJson();
        if (!o.has(key)) throw new ConfigException("unknown train-sae config key '" + key + "'; known keys: " + fieldNames(o));
        o.set(key, JSON.valueToTree(value));
        return fromJson(o);
    }

    /**
     * The α × R sweep of Cunningham et al.: one config per (sparsity coefficient α, expansion ratio R),
     * dSae = R·dIn, named {@code <name>_a<α>_r<R>}. For topk/batchtopk α is the k to use.
     */
    public List<TrainSaeConfig> sweep(List<Double> alphas, List<Integer> ratios) {
        List<TrainSaeConfig> out = new ArrayList<>();
        boolean kArch = architecture.equals("topk") || architecture.equals("batchtopk");
        for (int r : ratios) for (double a : alphas) {
            ObjectNode o = toJson();
            o.put("dSae", r * dIn).put("name", name + "_a" + a + "_r" + r);
            if (kArch) o.put("k", (int) Math.round(a)); else o.put("sparsityCoefficient", a);
            out.add(fromJson(o));
        }
        return out;
    }

    public SaeConfig saeConfig() { return new SaeConfig(architecture, dIn, dSae, k, tied, null); }

    /** Learning rate at a (0-based) step: linear warm-up, then constant / linear / cosine decay to lr·lrEndFactor. */
    public double lrAt(long step) {
        if (step < lrWarmupSteps) return lr * (step + 1) / lrWarmupSteps;
        if (lrDecay.equals("constant")) return lr;
        double span = Math.max(1, totalSteps - lrWarmupSteps - 1);
        double p = Math.min(1, (step - lrWarmupSteps) / span);
        double f = lrDecay.equals("linear") ? 1 - p : 0.5 * (1 + Math.cos(Math.PI * p));
        return lr * (lrEndFactor + (1 - lrEndFactor) * f);
    }

    /** Sparsity coefficient at a step: linear warm-up from 0 over sparsityWarmupSteps. */
    public double sparsityAt(long step) {
        if (step >= sparsityWarmupSteps) return sparsityCoefficient;
        return sparsityCoefficient * (step + 1) / sparsityWarmupSteps;
    }

    private static String fieldNames(ObjectNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return String.join(", ", names);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
