// Opens the dictionary a feature store record names (its decoder and encoder), for the verbs that
// intervene on stored features (the server's live model, the auto-interp ablation scorer). Not a
// format reader itself: SaeFolders reads SAE folders, LinearDictionary saved baselines.
package dev.loupe.store;

import dev.loupe.dictionary.Baselines;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.dictionary.LinearDictionary;
import dev.loupe.sae.io.SaeFolders;
import dev.loupe.util.ConfigException;

import java.nio.file.Files;
import java.nio.file.Path;

public final class DictionaryFiles {
    private DictionaryFiles() {}

    /**
     * The dictionary a store record names: an SAE folder (SAELens or sparsify), a LinearDictionary file
     * (saved baselines), or, for kind "neurons" without a file, the neuron basis. Relative paths are
     * resolved against the store's folder first, then the working directory.
     */
    public static Dictionary open(DictionaryInfo d, Path storeDir) {
        if (d.path() == null) {
            if (d.kind().equals("neurons")) return Baselines.neuronBasis(d.dIn());
            throw new ConfigException("dictionary " + d.name() + " has no file recorded in the store; re-add it with its folder");
        }
        Path p = Path.of(d.path());
        if (!p.isAbsolute() && storeDir != null && Files.exists(storeDir.resolve(p))) p = storeDir.resolve(p);
        if (!Files.exists(p))
            throw new ConfigException("dictionary " + d.name() + ": its file " + d.path() + " does not exist (looked next to the store and in the working directory)");
        return checked(d, p);
    }

    /** An SAE folder or a saved LinearDictionary file given for record {@code d}, checked against its shape. */
    public static Dictionary checked(DictionaryInfo d, Path p) {
        Dictionary dict = Files.isDirectory(p) ? SaeFolders.read(p) : LinearDictionary.read(p);
        if (dict.dIn() != d.dIn() || dict.dFeatures() != d.dFeatures())
            throw new ConfigException("dictionary " + d.name() + ": " + p + " is " + dict.dIn() + " x " + dict.dFeatures() + " but the store says "
                    + d.dIn() + " x " + d.dFeatures() + "; the file was replaced after analysis, rerun the analysis");
        return dict;
    }
}
