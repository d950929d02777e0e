// The feature-splitting map of a family of SAEs of increasing size trained on one site (Bricken et
// al. 2023, "Towards Monosemanticity", feature splitting; Cunningham et al. 2023): for each
// consecutive pair (smaller, larger), each feature of the smaller SAE with its best matches in the
// larger one by decoder cosine (DecoderGeometry.splitting), written as one JSON file. What `loupe
// analyze --splitting` runs. Not the store's copy of the map (DecoderGeometry.writeSplitting adds
// it to an analysis being written).
//
// JSON: {"saes": [{"name", "path", "kind", "d_in", "d_features", "hook"}...],
//        "maps": [{"smaller": i, "larger": i + 1, "matches_per_feature": n,
//                  "features": [{"feature": f, "matches": [{"feature": g, "cosine": c}...]}...]}...]}
package dev.loupe.features;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.dictionary.Dictionary;
import dev.loupe.sae.Sae;
import dev.loupe.sae.io.SaeFolders;
import dev.loupe.util.AtomicFiles;
import dev.loupe.util.ConfigException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

public final class SplittingMap {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SplittingMap() {}

    /** Reads the SAE folders (smallest first), checks they share a site, writes the map to out; returns the JSON. */
    public static ObjectNode write(List<Path> saeDirs, int matches, Path out) {
        if (saeDirs.size() < 2)
            throw new ConfigException("a feature-splitting map needs at least two SAE folders (smallest first), got " + saeDirs.size());
        if (matches < 1) throw new ConfigException("--matches " + matches + " must be >= 1");
        for (Path d : saeDirs)
            if (!Files.isDirectory(d)) throw new ConfigException("SAE folder " + d + " does not exist; give existing SAE folders, smallest first");
        List<String> names = new ArrayList<>();
        List<Dictionary> family = new ArrayList<>();
        List<String> hooks = new ArrayList<>();
        for (Path d : saeDirs) {
            Sae sae = SaeFolders.read(d);
            Object hook = sae.config().meta().get("hook_name");
            names.add(d.toString());
            family.add(sae);
            hooks.add(hook == null ? null : hook.toString());
        }
        ObjectNode json = build(names, family, hooks, matches);
        try {
            AtomicFiles.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return json;
    }

    /**
     * The map of a family given in order of size; hooks[i] is dictionary i's hook name or null when
     * unknown. Fails when the widths differ, two known hooks differ or a size does not increase.
     */
    public static ObjectNode build(List<String> names, List<Dictionary> family, List<String> hooks, int matches) {
        for (int i = 1; i < family.size(); i++) {
            Dictionary a = family.get(i - 1), b = family.get(i);
            if (a.dIn() != b.dIn())
                throw new ConfigException(names.get(i) + " reads " + b.dIn() + "-wide activations but " + names.get(i - 1) + " reads " + a.dIn()
                        + "; a splitting map needs SAEs of one site");
            if (hooks.get(i - 1) != null && hooks.get(i) != null && !hooks.get(i - 1).equals(hooks.get(i)))
                throw new ConfigException(names.get(i) + " was trained on hook " + hooks.get(i) + " but " + names.get(i - 1) + " on " + hooks.get(i - 1)
                        + "; a splitting map needs SAEs of one site");
            if (b.dFeatures() <= a.dFeatures())
                throw new ConfigException(names.get(i) + " has " + b.dFeatures() + " features, not more than " + names.get(i - 1) + " (" + a.dFeatures()
                        + "); list the SAE folders smallest first");
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode saes = root.putArray("saes");
        for (int i = 0; i < family.size(); i++) {
            Dictionary d = family.get(i);
            saes.addObject().put("name", Path.of(names.get(i)).getFileName().toString()).put("path", names.get(i)).put("kind", d.kind())
                    .put("d_in", d.dIn()).put("d_features", d.dFeatures()).put("hook", hooks.get(i));
        }
        ArrayNode maps = root.putArray("maps");
        for (int i = 1; i < family.size(); i++) {
            DecoderGeometry.Matches m = DecoderGeometry.splitting(family.get(i - 1), family.get(i), matches);
            ObjectNode map = maps.addObject().put("smaller", i - 1).put("larger", i).put("matches_per_feature", m.n());
            ArrayNode features = map.putArray("features");
            for (int f = 0; f < family.get(i - 1).dFeatures(); f++) {
                ArrayNode ms = features.addObject().put("feature", f).putArray("matches");
                for (int k = 0; k < m.n(); k++) ms.addObject().put("feature", m.feature(f, k)).put("cosine", m.cosine(f, k));
            }
        }
        return root;
    }
}
