// Stage caching for the demo pipeline: each stage writes into <workspace>/<name>.partial and is
// committed by an atomic rename to <workspace>/<name> followed by a done-marker
// <workspace>/<name>.done.json that records the stage's inputs (flags, upstream stages' inputs,
// file sizes and times). A rerun skips a stage whose marker matches its inputs exactly; a changed
// input, a missing output or an interrupted run redoes it. Not a build system: no dependency graph,
// the pipeline passes upstream inputs into downstream ones so a change propagates.
package dev.loupe.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loupe.util.AtomicFiles;
import dev.loupe.util.ConfigException;
import dev.loupe.util.LoupeException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

final class StageCache {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The work of one stage: fill {@code out} (a fresh or, when resumable, a previous partial folder). */
    interface Body { void run(Path out) throws IOException; }

    private final Path dir;

    StageCache(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ConfigException("cannot create the workspace " + dir + " (" + e.getMessage() + "); pass a writable --workspace");
        }
    }

    Path dir() { return dir; }

    Path output(String name) { return dir.resolve(name); }

    private Path marker(String name) { return dir.resolve(name + ".done.json"); }

    /** True when {@code name} finished with exactly these inputs and its output is still there. */
    boolean done(String name, JsonNode inputs) {
        return Files.exists(output(name)) && markerMatches(name, inputs);
    }

    /** True when the marker of {@code name} records exactly these inputs (for stages whose output is not a file of their own). */
    boolean markerMatches(String name, JsonNode inputs) {
        Path m = marker(name);
        if (!Files.isRegularFile(m)) return false;
        try {
            return JSON.readTree(m.toFile()).equals(normal(inputs));
        } catch (IOException e) {
            return false;       // unreadable marker: redo the stage
        }
    }

    /**
     * Runs {@code body} unless the stage is done with these inputs, then commits its folder. With
     * {@code resumable}, a partial folder left by an interrupted run with the same inputs is reused
     * (the body continues it); otherwise every run starts from an empty folder.
     * Returns true when the body ran.
     */
    boolean run(String name, JsonNode inputs, boolean resumable, Body body) {
        if (done(name, inputs)) return false;
        Path out = output(name), partial = dir.resolve(name + ".partial"), partialInputs = dir.resolve(name + ".partial.json");
        try {
            Files.deleteIfExists(marker(name));
            boolean keep = resumable && Files.isDirectory(partial) && Files.isRegularFile(partialInputs)
                    && JSON.readTree(partialInputs.toFile()).equals(normal(inputs));
            if (!keep) {
                delete(partial);
                Files.createDirectories(partial);
                AtomicFiles.writeString(partialInputs, inputs.toPrettyString());
            }
            body.run(partial);
            delete(out);
            Files.move(partial, out, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(partialInputs);
            markDone(name, inputs);
            return true;
        } catch (IOException e) {
            throw new LoupeException("demo stage " + name + " failed writing under " + dir + ": " + e.getMessage(), e);
        }
    }

    void markDone(String name, JsonNode inputs) { AtomicFiles.writeString(marker(name), inputs.toPrettyString()); }

    void forget(String name) {
        try {
            Files.deleteIfExists(marker(name));
        } catch (IOException e) {
            throw new LoupeException("cannot delete " + marker(name) + ": " + e.getMessage(), e);
        }
    }

    static ObjectNode object() { return JSON.createObjectNode(); }

    /** The inputs as they read back from a marker (Jackson's node equality tells an int 5 from a long 5). */
    private static JsonNode normal(JsonNode inputs) {
        try {
            return JSON.readTree(inputs.toString());
        } catch (IOException e) {
            throw new LoupeException("cannot re-read stage inputs " + inputs + ": " + e.getMessage(), e);
        }
    }

    /** Identity of a file or folder for a marker: absolute path, total size and newest modification time. */
    static ObjectNode fileIdentity(Path p) {
        ObjectNode o = object().put("path", p.toAbsolutePath().normalize().toString());
        try (Stream<Path> s = Files.isDirectory(p) ? Files.walk(p) : Stream.of(p)) {
            long size = 0, newest = 0;
            for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                size += Files.size(f);
                newest = Math.max(newest, Files.getLastModifiedTime(f).toMillis());
            }
            return o.put("bytes", size).put("modified", newest);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + p + " (" + e.getMessage() + ")");
        }
    }

    static void delete(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path f : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.delete(f);
        }
    }
}
