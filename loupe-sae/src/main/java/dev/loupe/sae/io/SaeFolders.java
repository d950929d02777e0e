package dev.loupe.sae.io;

import dev.loupe.io.SafeTensors;
import dev.loupe.sae.Sae;
import dev.loupe.sae.train.ActivationSource;
import dev.loupe.sae.train.ArraySource;
import dev.loupe.tensor.Tensor;
import dev.loupe.util.FormatException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Entry points for the CLI: open an SAE folder of either supported layout (SAELens: sae_weights.safetensors;
 * sparsify: sae.safetensors), and read a safetensors file of activations [rows, d_in] as a source.
 */
public final class SaeFolders {
    private SaeFolders() {}

    public static Sae read(Path dir) {
        if (!Files.isDirectory(dir)) throw new FormatException(dir + ": not a folder; give an SAE folder (SAELens or sparsify layout)");
        if (SaeLensFormat.looksLike(dir)) return SaeLensFormat.read(dir);
        if (SparsifyFormat.looksLike(dir) || !Files.isRegularFile(dir.resolve(SaeLensFormat.CFG))) return SparsifyFormat.read(dir);
        throw new FormatException(dir + ": has cfg.json but neither " + SaeLensFormat.WEIGHTS + " (SAELens) nor " + SparsifyFormat.WEIGHTS + " (sparsify)");
    }

    /** Activations from tensor {@code key} of a safetensors file (null key: the file's only tensor), shape [rows, d_in]. */
    public static ActivationSource activations(Path file, String key) {
        try (SafeTensors st = SafeTensors.open(file)) {
            String name = key;
            if (name == null) {
                if (st.entries().size() != 1)
                    throw new FormatException(file + ": holds " + st.entries().size() + " tensors " + st.entries().keySet() + "; name one with --key");
                name = st.entries().keySet().iterator().next();
            }
            Tensor t = st.tensor(name);
            if (t.rank() != 2) throw new FormatException(file + ": tensor '" + name + "' must be [rows, d_in], got rank " + t.rank());
            return new ArraySource(t.data(), t.dim(1));
        }
    }
}
