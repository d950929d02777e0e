package dev.loupe.plot;

import dev.loupe.util.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class PlotsTest {
    @Test void writesReadablePngs(@TempDir Path dir) throws Exception {
        Path xy = dir.resolve("sub/frontier.png");
        Plots.xy(xy, "L0 vs FVU", "L0", "FVU",
                List.of(Plots.Series.line("sae", new double[] {1, 10, 100}, new double[] {0.5, 0.2, 0.05}),
                        Plots.Series.points("pca", new double[] {2, 20}, new double[] {0.6, 0.3})), true, true);
        var img = ImageIO.read(xy.toFile());
        assertEquals(Plots.WIDTH, img.getWidth());
        assertEquals(Plots.HEIGHT, img.getHeight());
        Path bars = dir.resolve("bars.png");
        Plots.bars(bars, "scores", "r", List.of("sae", "pca"), Map.of("top+random", new double[] {0.4, 0.2}));
        assertNotNull(ImageIO.read(bars.toFile()));
    }

    @Test void mismatchedSeriesIsAConfigError() {
        assertThrows(ConfigException.class, () -> Plots.Series.line("s", new double[] {1}, new double[] {1, 2}));
    }
}
