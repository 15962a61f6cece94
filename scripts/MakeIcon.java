import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the Jacobi icon: a small Jacobian heatmap (diverging blue-white-red cells, strong diagonal) on a
 * dark rounded square. Writes jacobi.svg and jacobi-SIZE.png for the usual icon sizes into the folder given
 * as the first argument. Run through scripts/make_icons.sh, which also builds the .ico and .icns files.
 * Small sizes get a 3x3 grid because five cells in 16 pixels turn to mush.
 */
public final class MakeIcon {
    private static final int DESIGN = 512;
    private static final int[] SIZES = {16, 24, 32, 48, 64, 128, 256, 512};
    private static final Color NEGATIVE = new Color(0x2f, 0x6b, 0xd6);
    private static final Color ZERO = new Color(0xf4, 0xf4, 0xf2);
    private static final Color POSITIVE = new Color(0xd9, 0x3f, 0x35);
    private static final Color TOP = new Color(0x2a, 0x3a, 0x5c);
    private static final Color BOTTOM = new Color(0x12, 0x19, 0x2b);

    /** Signed cell values in [-1, 1]: a banded Jacobian, as a smooth layer with local coupling gives. */
    private static double value(int row, int col, int n) {
        int d = Math.abs(row - col);
        double[] band = n == 3 ? new double[] {1.0, -0.55, 0.25} : new double[] {1.0, 0.45, -0.35, -0.7, 0.15};
        double v = band[d];
        return row > col ? v * 0.8 : v;
    }

    private static Color colour(double v) {
        Color far = v < 0 ? NEGATIVE : POSITIVE;
        double t = Math.min(1, Math.abs(v));
        return new Color(
            (int) Math.round(ZERO.getRed() + t * (far.getRed() - ZERO.getRed())),
            (int) Math.round(ZERO.getGreen() + t * (far.getGreen() - ZERO.getGreen())),
            (int) Math.round(ZERO.getBlue() + t * (far.getBlue() - ZERO.getBlue())));
    }

    private record Cell(double x, double y, double size, double radius, Color fill) {
    }

    private static Cell[] cells(int n) {
        double margin = n == 3 ? 104 : 92;
        double area = DESIGN - 2 * margin;
        double gap = n == 3 ? 22 : 12;
        double size = (area - (n - 1) * gap) / n;
        Cell[] out = new Cell[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                out[r * n + c] = new Cell(margin + c * (size + gap), margin + r * (size + gap), size,
                    n == 3 ? 18 : 10, colour(value(r, c, n)));
            }
        }
        return out;
    }

    private static BufferedImage render(int px) {
        BufferedImage image = new BufferedImage(px, px, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.scale(px / (double) DESIGN, px / (double) DESIGN);
        g.setPaint(new GradientPaint(0, 16, TOP, 0, DESIGN - 16, BOTTOM));
        g.fill(new RoundRectangle2D.Double(16, 16, DESIGN - 32, DESIGN - 32, 200, 200));
        for (Cell cell : cells(px <= 32 ? 3 : 5)) {
            g.setColor(cell.fill());
            g.fill(new RoundRectangle2D.Double(cell.x(), cell.y(), cell.size(), cell.size(),
                2 * cell.radius(), 2 * cell.radius()));
        }
        g.dispose();
        return image;
    }

    private static String hex(Color c) {
        return String.format(Locale.ROOT, "#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }

    private static String svg() {
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"512\" height=\"512\" viewBox=\"0 0 512 512\">\n");
        s.append("  <title>Jacobi</title>\n");
        s.append("  <defs>\n    <linearGradient id=\"bg\" x1=\"0\" y1=\"16\" x2=\"0\" y2=\"496\" gradientUnits=\"userSpaceOnUse\">\n");
        s.append("      <stop offset=\"0\" stop-color=\"").append(hex(TOP)).append("\"/>\n");
        s.append("      <stop offset=\"1\" stop-color=\"").append(hex(BOTTOM)).append("\"/>\n");
        s.append("    </linearGradient>\n  </defs>\n");
        s.append("  <rect x=\"16\" y=\"16\" width=\"480\" height=\"480\" rx=\"100\" fill=\"url(#bg)\"/>\n");
        for (Cell cell : cells(5)) {
            s.append(String.format(Locale.ROOT,
                "  <rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" rx=\"%.0f\" fill=\"%s\"/>%n",
                cell.x(), cell.y(), cell.size(), cell.size(), cell.radius(), hex(cell.fill())));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "assets/icons");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("jacobi.svg"), svg(), StandardCharsets.UTF_8);
        for (int px : SIZES) {
            ImageIO.write(render(px), "png", dir.resolve("jacobi-" + px + ".png").toFile());
        }
    }
}
