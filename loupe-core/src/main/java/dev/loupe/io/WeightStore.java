package dev.loupe.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.FormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The weights of one checkpoint, whether stored as a single safetensors file or sharded as HF
 * {@code save_pretrained} does it: {@code model.safetensors.index.json} with a {@code weight_map}
 * (tensor name → shard file name, relative to the index) and the shard files beside it.
 *
 * <p>{@link #open(Path)} accepts a {@code .safetensors} file, an {@code *.index.json}, or a directory
 * holding {@code model.safetensors.index.json} (preferred) or {@code model.safetensors}. Every shard is
 * opened (memory-mapped) up front so all consistency errors surface at open: a missing shard, a
 * tensor the index places in a shard that lacks it, a tensor stored in two shards. Tensors present in
 * a shard but absent from the index are still served, as HF's loader does (it loads whole shards).
 *
 * <p>Not a model loader: it knows nothing of architectures or tensor names. Close it to unmap.
 */
public final class WeightStore implements AutoCloseable {
    public static final String INDEX = "model.safetensors.index.json";
    public static final String SINGLE = "model.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final List<SafeTensors> shards;
    private final Map<String, SafeTensors> owner; // sorted by name
    private final Map<String, String> metadata;
    private final SortedSet<String> names;

    private WeightStore(Path path, List<SafeTensors> shards, Map<String, SafeTensors> owner, Map<String, String> metadata) {
        this.path = path;
        this.shards = shards;
        this.owner = owner;
        this.metadata = metadata;
        this.names = Collections.unmodifiableSortedSet(new TreeSet<>(owner.keySet()));
    }

    /** True if {@code dir} holds weights {@link #open} can read. */
    public static boolean hasWeights(Path dir) {
        return Files.isRegularFile(dir.resolve(INDEX)) || Files.isRegularFile(dir.resolve(SINGLE));
    }

    public static WeightStore open(Path path) {
        if (Files.isDirectory(path)) {
            if (Files.isRegularFile(path.resolve(INDEX))) return openIndex(path.resolve(INDEX));
            if (Files.isRegularFile(path.resolve(SINGLE))) return openSingle(path.resolve(SINGLE));
            throw new FormatException(path + ": directory has neither " + INDEX + " nor " + SINGLE
                    + "; point at a .safetensors file or an index.json directly");
        }
        if (!Files.isRegularFile(path)) throw new FormatException(path + ": no such file or directory");
        String name = path.getFileName().toString();
        if (name.endsWith(".index.json")) return openIndex(path);
        if (name.endsWith(".safetensors")) return openSingle(path);
        throw new FormatException(path + ": not a safetensors checkpoint (expected a .safetensors file, a *.safetensors.index.json, or a model directory)");
    }

    private static WeightStore openSingle(Path file) {
        SafeTensors st = SafeTensors.open(file);
        Map<String, SafeTensors> owner = new TreeMap<>();
        for (String n : st.entries().keySet()) owner.put(n, st);
        return new WeightStore(file, List.of(st), Collections.unmodifiableMap(owner), st.metadata());
    }

    private static WeightStore openIndex(Path index) {
        Map<String, String> weightMap = readWeightMap(index);
        Path dir = index.toAbsolutePath().getParent();
        Map<String, SafeTensors> byFile = new LinkedHashMap<>();
        List<SafeTensors> opened = new ArrayList<>();
        try {
            for (String shard : new TreeSet<>(weightMap.values())) {
                Path sp = dir.resolve(shard);
                if (!Files.isRegularFile(sp))
                    throw new FormatException(index + ": shard '" + shard + "' listed in weight_map does not exist in " + dir);
                SafeTensors st = SafeTensors.open(sp);
                opened.add(st);
                byFile.put(shard, st);
            }
            Map<String, SafeTensors> owner = new TreeMap<>();
            Map<String, String> ownerFile = new TreeMap<>();
            for (var e : byFile.entrySet())
                for (String n : e.getValue().entries().keySet()) {
                    String prev = ownerFile.putIfAbsent(n, e.getKey());
                    if (prev != null)
                        throw new FormatException(index + ": tensor '" + n + "' is stored in two shards, '" + prev + "' and '" + e.getKey() + "'");
                    owner.put(n, e.getValue());
                }
            for (var e : weightMap.entrySet())
                if (!e.getValue().equals(ownerFile.get(e.getKey())))
                    throw new FormatException(index + ": weight_map places tensor '" + e.getKey() + "' in shard '" + e.getValue()
                            + "' but that shard has no such tensor" + (ownerFile.containsKey(e.getKey()) ? " (it is in '" + ownerFile.get(e.getKey()) + "')" : ""));
            Map<String, String> meta = new LinkedHashMap<>();
            for (SafeTensors st : opened) meta.putAll(st.metadata());
            return new WeightStore(index, List.copyOf(opened), Collections.unmodifiableMap(owner), Collections.unmodifiableMap(meta));
        } catch (RuntimeException e) {
            opened.forEach(SafeTensors::close);
            throw e;
        }
    }

    private static Map<String, String> readWeightMap(Path index) {
        JsonNode root;
        try {
            root = JSON.readTree(index.toFile());
        } catch (IOException e) {
            throw new FormatException(index + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        JsonNode wm = root == null ? null : root.get("weight_map");
        if (wm == null || !wm.isObject() || wm.isEmpty())
            throw new FormatException(index + ": no \"weight_map\" object (tensor name -> shard file) in the index");
        Map<String, String> out = new TreeMap<>();
        for (var e : wm.properties()) {
            if (!e.getValue().isTextual()) throw new FormatException(index + ": weight_map entry '" + e.getKey() + "' is not a file name string");
            String shard = e.getValue().asText();
            Path p = Path.of(shard);
            // shard names are plain file names beside the index; refuse paths that escape it
            if (p.isAbsolute() || p.getNameCount() != 1 || shard.equals("..") || shard.equals("."))
                throw new FormatException(index + ": weight_map entry '" + e.getKey() + "' names shard '" + shard + "'; shards must be file names in the index's directory");
            out.put(e.getKey(), shard);
        }
        return out;
    }

    /** The file or index this store was opened from. */
    public Path path() { return path; }
    /** Shard files in the order opened (one for an unsharded checkpoint). */
    public List<Path> files() { return shards.stream().map(SafeTensors::path).toList(); }
    public boolean sharded() { return path.getFileName().toString().endsWith(".index.json"); }
    /** Union of the shards' {@code __metadata__}. */
    public Map<String, String> metadata() { return metadata; }
    /** All tensor names, sorted. */
    public SortedSet<String> names() { return names; }
    public boolean contains(String name) { return owner.containsKey(name); }
    public Stream<SafeTensors.Entry> entries() { return owner.entrySet().stream().map(e -> e.getValue().entry(e.getKey())); }

    public SafeTensors.Entry entry(String name) { return shard(name).entry(name); }

    /** Decodes a tensor to fp32 (F16/BF16/F64/integers are converted). */
    public Tensor tensor(String name) { return shard(name).tensor(name); }

    private SafeTensors shard(String name) {
        SafeTensors st = owner.get(name);
        if (st == null) throw new FormatException(path + ": no tensor named '" + name + "'");
        return st;
    }

    @Override public void close() { shards.forEach(SafeTensors::close); }
}
