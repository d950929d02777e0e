// A dictionary (SAE or baseline basis) registered in the feature store (table dictionaries).
// id is 0 and currentRunId 0 for a record not yet stored; currentRunId is the published analysis.
package dev.loupe.store;

import dev.loupe.util.ConfigException;

public record DictionaryInfo(long id, String name, long modelId, String hook, String kind, int dIn, int dFeatures,
                             String path, String evalJson, String configJson, long currentRunId) {
    public DictionaryInfo {
        if (name == null || name.isBlank()) throw new ConfigException("dictionary name is empty; give the dictionary a name (e.g. its folder name)");
        if (hook == null || hook.isBlank()) throw new ConfigException("dictionary " + name + " has no hook name; give the TransformerLens hook it reads (e.g. blocks.0.hook_resid_post)");
        if (kind == null || kind.isBlank()) throw new ConfigException("dictionary " + name + " has no kind; give its SAELens architecture or baseline name");
        if (dIn <= 0 || dFeatures <= 0) throw new ConfigException("dictionary " + name + " has d_in=" + dIn + ", d_features=" + dFeatures + "; both must be positive");
        if (evalJson == null || evalJson.isBlank()) evalJson = "{}";
        if (configJson == null || configJson.isBlank()) configJson = "{}";
    }

    public static DictionaryInfo of(String name, long modelId, String hook, String kind, int dIn, int dFeatures) {
        return new DictionaryInfo(0, name, modelId, hook, kind, dIn, dFeatures, null, "{}", "{}", 0);
    }

    public DictionaryInfo withEval(String json) {
        return new DictionaryInfo(id, name, modelId, hook, kind, dIn, dFeatures, path, json, configJson, currentRunId);
    }

    public DictionaryInfo withPath(String p) {
        return new DictionaryInfo(id, name, modelId, hook, kind, dIn, dFeatures, p, evalJson, configJson, currentRunId);
    }
}
