package org.jacobi.attribution;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.jacobi.analysis.ColorMaps;
import org.jacobi.analysis.Pixels;
import org.jacobi.analysis.Saliency;
import org.jacobi.core.JacobiException;
import org.jacobi.io.AtomicFiles;

/**
 * An attribution over its image: the photo dimmed to grey, and on it the attribution summed over channels in RdBu
 * (red positive, blue negative), opaque in proportion to its magnitude on a scale symmetric around zero.
 */
public final class AttributionOverlay {
    private AttributionOverlay() {
    }

    /** ARGB pixels of sample {@code sample} ({@code [C, H, W]} image and attribution, flat). */
    public static int[] pixels(double[] image, double[] attribution, long[] shape) {
        int c = (int) shape[0];
        int h = (int) shape[1];
        int w = (int) shape[2];
        int[] photo = Pixels.image(image, c, h, w);
        Saliency.Map2D map = Saliency.map(attribution, shape, -1, false);
        double vmax = 0;
        for (double v : map.values()) {
            vmax = Math.max(vmax, Math.abs(v));
        }
        int[] out = new int[h * w];
        for (int p = 0; p < out.length; p++) {
            int grey = (int) Math.round(ColorMaps.luminance(photo[p]) * 255 * 0.6 + 0.4 * 255 * 0.5);
            int colour = ColorMaps.RDBU.argbSigned(map.values()[p], vmax);
            double alpha = vmax > 0 ? Math.min(1, Math.abs(map.values()[p]) / vmax) * 0.85 : 0;
            int r = blend(grey, colour >> 16 & 0xff, alpha);
            int g = blend(grey, colour >> 8 & 0xff, alpha);
            int b = blend(grey, colour & 0xff, alpha);
            out[p] = 0xff000000 | r << 16 | g << 8 | b;
        }
        return out;
    }

    private static int blend(int under, int over, double alpha) {
        return (int) Math.round(under * (1 - alpha) + over * alpha);
    }

    /** Writes the overlay as a PNG, enlarged so that small images (28 x 28) stay readable. */
    public static void writePng(Path file, double[] image, double[] attribution, long[] shape, boolean overwrite) {
        int h = (int) shape[1];
        int w = (int) shape[2];
        int factor = Math.max(1, 256 / Math.max(h, w));
        int[] argb = Pixels.upscale(pixels(image, attribution, shape), w, h, factor);
        BufferedImage img = new BufferedImage(w * factor, h * factor, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, w * factor, h * factor, argb, 0, w * factor);
        AtomicFiles.write(file, overwrite, o -> {
            if (!ImageIO.write(img, "png", o)) {
                throw new JacobiException("No PNG writer is available to write " + file.getFileName() + ".");
            }
        });
    }
}
