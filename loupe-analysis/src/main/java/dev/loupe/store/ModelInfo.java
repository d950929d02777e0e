// A language model registered in the feature store (table models). id is 0 for a record not yet stored.
package dev.loupe.store;

import dev.loupe.util.ConfigException;

public record ModelInfo(long id, String name, String architecture, String path, String configJson) {
    public ModelInfo {
        if (name == null || name.isBlank()) throw new ConfigException("model name is empty; give the model a name (e.g. its folder name)");
        if (configJson == null || configJson.isBlank()) configJson = "{}";
    }

    public static ModelInfo of(String name, String architecture, String path) {
        return new ModelInfo(0, name, architecture, path, "{}");
    }
}
