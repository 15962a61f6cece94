package org.jacobi.inputs;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;
import java.util.Arrays;

/**
 * A decoded image as float planes with values 0..255: one plane (grey) or three (R, G, B), plus alpha when the
 * file has it. Read from the raster itself for grey and RGB files, because {@link BufferedImage#getRGB} converts
 * grey through a linear-light colour space and changes its values.
 *
 * @param planes {@code [plane][y * width + x]}
 */
record Picture(int width, int height, float[][] planes, float[] alpha) {
    boolean grey() {
        return planes.length == 1;
    }

    static Picture of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        int colorSpace = image.getColorModel().getColorSpace().getType();
        boolean direct = image.getColorModel() instanceof ComponentColorModel
            && (colorSpace == ColorSpace.TYPE_GRAY && bands <= 2 || colorSpace == ColorSpace.TYPE_RGB && bands <= 4);
        if (direct) {
            int colours = colorSpace == ColorSpace.TYPE_GRAY ? 1 : 3;
            boolean hasAlpha = bands > colours;
            float[][] planes = new float[colours][w * h];
            float[] alpha = hasAlpha ? new float[w * h] : null;
            for (int b = 0; b < bands; b++) {
                double toByte = 255.0 / ((1L << raster.getSampleModel().getSampleSize(b)) - 1);
                float[] dest = b < colours ? planes[b] : alpha;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        dest[y * w + x] = (float) (raster.getSample(x, y, b) * toByte);
                    }
                }
            }
            return new Picture(w, h, planes, alpha);
        }
        // Palette, packed and other colour models: their sRGB values.
        boolean hasAlpha = image.getColorModel().hasAlpha();
        float[][] planes = new float[3][w * h];
        float[] alpha = hasAlpha ? new float[w * h] : null;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = image.getRGB(x, y);
                int i = y * w + x;
                planes[0][i] = (argb >> 16) & 0xff;
                planes[1][i] = (argb >> 8) & 0xff;
                planes[2][i] = argb & 0xff;
                if (alpha != null) {
                    alpha[i] = (argb >>> 24) & 0xff;
                }
            }
        }
        return new Picture(w, h, planes, alpha);
    }

    /**
     * The planes a model with {@code channels} channels takes, in {@code order}: grey is luma (ITU-R 601, in
     * floating point) of a colour image; colour repeats a grey image; a fourth channel is the alpha, opaque (255)
     * when the file has none.
     */
    float[][] channels(int channels, ChannelOrder order) {
        int n = width * height;
        if (channels == 1) {
            if (grey()) {
                return new float[][] {planes[0]};
            }
            float[] luma = new float[n];
            for (int i = 0; i < n; i++) {
                luma[i] = (float) (0.299 * planes[0][i] + 0.587 * planes[1][i] + 0.114 * planes[2][i]);
            }
            return new float[][] {luma};
        }
        float[] r = planes[0];
        float[] g = grey() ? planes[0] : planes[1];
        float[] b = grey() ? planes[0] : planes[2];
        float[][] out = order == ChannelOrder.BGR ? new float[][] {b, g, r} : new float[][] {r, g, b};
        if (channels == 3) {
            return out;
        }
        float[] a = alpha;
        if (a == null) {
            a = new float[n];
            Arrays.fill(a, 255f);
        }
        return new float[][] {out[0], out[1], out[2], a};
    }
}
