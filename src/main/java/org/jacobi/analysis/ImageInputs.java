package org.jacobi.analysis;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;

/**
 * Turns a PNG or JPEG into a model input: resized to {@code [C, H, W]} (bilinear), channels 1 (grey) or 3
 * (RGB), values {@code (pixel * scale - mean[c]) / std[c]}, e.g. scale 1/255 with ImageNet's mean and std.
 */
public final class ImageInputs {
    /**
     * How pixel values become input values.
     *
     * @param scale factor applied to the 0..255 pixel value first (1/255 gives 0..1)
     * @param mean subtracted per channel after scaling (one value applies to every channel)
     * @param std divided by per channel after subtracting the mean
     */
    public record Normalisation(double scale, double[] mean, double[] std) {
        public static Normalisation unit() {
            return new Normalisation(1 / 255.0, new double[] {0}, new double[] {1});
        }

        double meanOf(int channel) {
            return mean[Math.min(channel, mean.length - 1)];
        }

        double stdOf(int channel) {
            double s = std[Math.min(channel, std.length - 1)];
            return s == 0 ? 1 : s;
        }
    }

    private ImageInputs() {
    }

    public static boolean isImageFile(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    public static BufferedImage read(Path file) {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new JacobiException("Could not read the image " + file.getFileName() + ": " + e.getMessage() + ".", e);
        }
        if (image == null) {
            throw new JacobiException(file.getFileName() + " is not a PNG or JPEG image Jacobi can read.");
        }
        return image;
    }

    /** The image as one sample shaped {@code [C, H, W]} (C = 1 or 3), float32. */
    public static Tensor toTensor(BufferedImage image, int channels, int height, int width, Normalisation norm) {
        if (channels != 1 && channels != 3) {
            throw JacobiException.usage("Images can feed inputs with 1 or 3 channels, not " + channels + ".");
        }
        BufferedImage resized = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = resized.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        float[] data = new float[channels * height * width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = resized.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int gr = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (channels == 1) {
                    double grey = 0.299 * r + 0.587 * gr + 0.114 * b;
                    data[y * width + x] = (float) ((grey * norm.scale() - norm.meanOf(0)) / norm.stdOf(0));
                } else {
                    int[] px = {r, gr, b};
                    for (int c = 0; c < 3; c++) {
                        data[(c * height + y) * width + x] = (float) ((px[c] * norm.scale() - norm.meanOf(c)) / norm.stdOf(c));
                    }
                }
            }
        }
        return Tensor.ofFloats(data, channels, height, width);
    }
}
