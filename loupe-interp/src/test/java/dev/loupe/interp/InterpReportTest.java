package dev.loupe.interp;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InterpReportTest {
    static Map<String, AutoInterp.Summary> sample() {
        Map<String, AutoInterp.Summary> m = new LinkedHashMap<>();
        m.put("sae", new AutoInterp.Summary(new Bootstrap.MeanCi(0.4, 0.35, 0.45, 100, 2), new Bootstrap.MeanCi(0.1, 0.05, 0.15, 80, 22), 100, 3, 1));
        m.put("neurons", new AutoInterp.Summary(new Bootstrap.MeanCi(0.2, 0.15, 0.25, 90, 0), new Bootstrap.MeanCi(Double.NaN, Double.NaN, Double.NaN, 0, 90), 90, 0, 0));
        return m;
    }

    @Test void tableListsMeansCisAndUndefinedCounts() {
        String t = InterpReport.table(sample());
        assertTrue(t.contains("| sae | 100 | 3 | 1 | 0.400 [0.350, 0.450] | 0.100 [0.050, 0.150] | 2 / 22 |"), t);
        assertTrue(t.contains("| neurons | 90 | 0 | 0 | 0.200 [0.150, 0.250] | n/a | 0 / 90 |"), t);
    }

    @Test void pngIsWrittenAndDrawsBars(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("sub/report.png");
        InterpReport.png(sample(), out);
        BufferedImage img = ImageIO.read(out.toFile());
        assertNotNull(img);
        assertEquals(800, img.getWidth());
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        int dark = 0;
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 0; y < img.getHeight(); y++) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                if (rgb == 0) dark++;
            }
        }
        assertTrue(colours.size() > 20, "a chart, not a blank image: " + colours.size() + " colours");
        assertTrue(dark > 50, "black error bars drawn: " + dark);
    }
}
