package dev.loupe.intervene;

import dev.loupe.util.AtomicFiles;
import dev.loupe.util.ConfigException;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link FeatureTrees.Node} tree as {@code tree.json}, Graphviz {@code tree.dot} (render with
 * {@code dot -Tsvg} if installed) and {@code tree.png}, drawn here with headless AWT so no Graphviz is
 * needed: one row per level, leaves spread evenly and each parent centred over its children, edges
 * labelled with the drop of the parent's activation. Not a general graph layout (trees only).
 */
public final class TreeReport {
    private TreeReport() {}

    public static void write(Path dir, FeatureTrees.Node root) {
        try {
            Files.createDirectories(dir);
            AtomicFiles.writeString(dir.resolve("tree.json"), PatchReport.JSON.writeValueAsString(root) + "\n");
        } catch (IOException e) {
            throw new ConfigException(dir + ": cannot write the feature tree (" + e.getMessage() + ")");
        }
        AtomicFiles.writeString(dir.resolve("tree.dot"), dot(root));
        BufferedImage img = draw(root);
        AtomicFiles.write(dir.resolve("tree.png"), tmp -> ImageIO.write(img, "png", tmp.toFile()));
    }

    static String label(FeatureTrees.Node n) {
        return n.site() + " #" + n.feature() + "\\nmax " + fmt(n.maxActivation());
    }

    /** Graphviz source: nodes n0, n1, … in depth-first order, edges child → parent labelled with the drop. */
    public static String dot(FeatureTrees.Node root) {
        StringBuilder sb = new StringBuilder("digraph feature_tree {\n  rankdir=BT;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
        int[] next = {0};
        dotNode(root, sb, next);
        return sb.append("}\n").toString();
    }

    private static String dotNode(FeatureTrees.Node n, StringBuilder sb, int[] next) {
        String id = "n" + next[0]++;
        sb.append("  ").append(id).append(" [label=\"").append(label(n).replace("\"", "\\\"")).append("\"];\n");
        for (FeatureTrees.Node c : n.children()) {
            String cid = dotNode(c, sb, next);
            sb.append("  ").append(cid).append(" -> ").append(id).append(" [label=\"drop ").append(fmt(c.drop())).append("\"];\n");
        }
        return id;
    }

    private static String fmt(double v) { return String.format(Locale.ROOT, "%.3g", v); }

    private static final int BOX_W = 170, BOX_H = 44, GAP_X = 20, GAP_Y = 70, MARGIN = 30;

    /** Layered drawing: x from leaf order (parents centred), y from depth; the target at the top. */
    static BufferedImage draw(FeatureTrees.Node root) {
        Map<FeatureTrees.Node, double[]> pos = new IdentityHashMap<>();   // identity keys: equal records may be distinct nodes
        List<FeatureTrees.Node> order = new ArrayList<>();
        double[] leaves = {0};
        int depth = layout(root, 0, leaves, pos, order);
        int w = (int) (MARGIN * 2 + leaves[0] * (BOX_W + GAP_X)), h = MARGIN * 2 + (depth + 1) * BOX_H + depth * GAP_Y;
        BufferedImage img = new BufferedImage(Math.max(w, 240), h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        for (FeatureTrees.Node n : order) {
            double[] p = pos.get(n);
            for (FeatureTrees.Node c : n.children()) {
                double[] q = pos.get(c);
                g.setColor(Color.GRAY);
                g.setStroke(new BasicStroke((float) Math.min(6, 1 + c.drop() / Math.max(1e-9, n.maxActivation()) * 5)));
                g.drawLine((int) p[0], (int) p[1] + BOX_H, (int) q[0], (int) q[1]);
                g.setColor(new Color(150, 40, 40));
                String t = "drop " + fmt(c.drop());
                g.drawString(t, (int) ((p[0] + q[0]) / 2) + 4, (int) ((p[1] + BOX_H + q[1]) / 2));
            }
        }
        g.setStroke(new BasicStroke(1.5f));
        for (FeatureTrees.Node n : order) {
            double[] p = pos.get(n);
            int x = (int) p[0] - BOX_W / 2, y = (int) p[1];
            g.setColor(n == root ? new Color(255, 236, 200) : new Color(225, 238, 255));
            g.fillRoundRect(x, y, BOX_W, BOX_H, 12, 12);
            g.setColor(Color.DARK_GRAY);
            g.drawRoundRect(x, y, BOX_W, BOX_H, 12, 12);
            String[] lines = label(n).split("\\\\n");
            for (int i = 0; i < lines.length; i++) {
                String s = lines[i];
                while (fm.stringWidth(s) > BOX_W - 8 && s.length() > 4) s = s.substring(0, s.length() - 2);
                g.drawString(s, (int) p[0] - fm.stringWidth(s) / 2, y + 17 + i * 16);
            }
        }
        g.dispose();
        return img;
    }

    /** Assigns centres; returns the depth of the subtree. */
    private static int layout(FeatureTrees.Node n, int level, double[] leaves, Map<FeatureTrees.Node, double[]> pos, List<FeatureTrees.Node> order) {
        order.add(n);
        double y = MARGIN + level * (BOX_H + GAP_Y);
        int depth = level;
        if (n.children().isEmpty()) {
            pos.put(n, new double[]{MARGIN + (leaves[0]++ + 0.5) * (BOX_W + GAP_X), y});
            return depth;
        }
        for (FeatureTrees.Node c : n.children()) depth = Math.max(depth, layout(c, level + 1, leaves, pos, order));
        double x = (pos.get(n.children().get(0))[0] + pos.get(n.children().get(n.children().size() - 1))[0]) / 2;
        pos.put(n, new double[]{x, y});
        return depth;
    }
}
