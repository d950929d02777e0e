package dev.loupe.activations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.util.AtomicFiles;
import dev.loupe.util.FormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} of a harvest folder: what was harvested (model fingerprint, hooks, widths, context,
 * token budget, options) and the shards completed so far. It is rewritten atomically after every shard,
 * so it only ever lists shards whose files are complete; that is the resume point. Shard i of hook h is
 * {@code <h>/shard-<i:05d>.safetensors} and holds {@code activations} [rows, d_in] (f32/f16/bf16),
 * {@code tokens} [rows] I32, {@code window} [rows] I64 (index of the window in harvest order),
 * {@code position} [rows] I32 (index inside that window) and {@code document} [rows] I64 (the window's
 * document index, as {@code TokenWindows} numbers them).
 *
 * @param identity what must match for a rerun to continue this harvest (model, hooks, context, budget, options)
 * @param dIn      activation width per hook
 * @param shards   completed shards in order
 * @param complete whether the harvest reached its token budget or the end of the corpus
 */
public record HarvestManifest(ObjectNode identity, Map<String, Integer> dIn, List<Shard> shards, boolean complete) {
    public static final String FILE = "manifest.json", FORMAT = "loupe-activations/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One shard: windows it covers, a hash of their token ids (checked on resume) and rows kept per hook. */
    public record Shard(int windows, String tokenHash, Map<String, Long> rows) {}

    public List<String> hooks() { return List.copyOf(dIn.keySet()); }

    public int contextSize() { return identity.path("contextSize").asInt(); }

    public static Path shardFile(Path dir, String hook, int index) {
        return dir.resolve(hook).resolve(String.format("shard-%05d.safetensors", index));
    }

    public static boolean exists(Path dir) { return Files.isRegularFile(dir.resolve(FILE)); }

    public static HarvestManifest read(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) throw new FormatException(dir + ": no " + FILE + "; give a folder written by loupe harvest");
        try {
            JsonNode root = JSON.readTree(f.toFile());
            if (root == null || !FORMAT.equals(root.path("format").asText()))
                throw new FormatException(f + ": not a loupe harvest manifest (format should be " + FORMAT + ")");
            Map<String, Integer> dIn = new LinkedHashMap<>();
            root.path("dIn").fields().forEachRemaining(e -> dIn.put(e.getKey(), e.getValue().asInt()));
            List<Shard> shards = new ArrayList<>();
            for (JsonNode s : root.path("shards")) {
                Map<String, Long> rows = new LinkedHashMap<>();
                s.path("rows").fields().forEachRemaining(e -> rows.put(e.getKey(), e.getValue().asLong()));
                if (!rows.keySet().equals(dIn.keySet())) throw new FormatException(f + ": a shard's rows do not name the hooks " + dIn.keySet());
                shards.add(new Shard(s.path("windows").asInt(), s.path("tokenHash").asText(), rows));
            }
            if (dIn.isEmpty() || !(root.get("identity") instanceof ObjectNode id)) throw new FormatException(f + ": missing dIn or identity");
            return new HarvestManifest(id, dIn, shards, root.path("complete").asBoolean());
        } catch (IOException e) {
            throw new FormatException(f + ": unreadable manifest (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    public void write(Path dir) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.set("identity", identity);
        ObjectNode d = root.putObject("dIn");
        dIn.forEach(d::put);
        var arr = root.putArray("shards");
        for (Shard s : shards) {
            ObjectNode o = arr.addObject().put("windows", s.windows()).put("tokenHash", s.tokenHash());
            ObjectNode r = o.putObject("rows");
            s.rows().forEach(r::put);
        }
        root.put("complete", complete);
        AtomicFiles.write(dir.resolve(FILE), tmp -> JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root));
    }

    /** Rows of one hook over all shards. */
    public long rows(String hook) { return shards.stream().mapToLong(s -> s.rows().get(hook)).sum(); }

    public long windows() { return shards.stream().mapToLong(Shard::windows).sum(); }
}
