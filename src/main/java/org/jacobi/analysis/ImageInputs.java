package org.jacobi.analysis;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.jacobi.core.ElementType;
import org.jacobi.core.Tensor;
import org.jacobi.inputs.ImageFiles;
import org.jacobi.inputs.ImageLayout;
import org.jacobi.inputs.InputSettings;
import org.jacobi.inputs.MediaInputs;
import org.jacobi.inputs.Normalization;
import org.jacobi.model.Dim;
import org.jacobi.model.TensorSpec;

/**
 * The app's image form (scale, mean, std) in front of {@link MediaInputs}, which does the reading, resizing and
 * normalising; the app moves to {@link InputSettings} directly when its inputs panel is rewired.
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

        /** The same normalisation as input settings (every other choice at its default). */
        public InputSettings settings() {
            double[] s = std.clone();
            for (int i = 0; i < s.length; i++) {
                s[i] = s[i] == 0 ? 1 : s[i];
            }
            return InputSettings.defaults().withNormalization(new Normalization("custom", scale, mean, s));
        }
    }

    private ImageInputs() {
    }

    public static boolean isImageFile(Path file) {
        return ImageFiles.isImageFile(file);
    }

    public static BufferedImage read(Path file) {
        return ImageFiles.read(file);
    }

    /** The image as one sample shaped {@code [C, H, W]} (C = 1, 3 or 4), float32. */
    public static Tensor toTensor(BufferedImage image, int channels, int height, int width, Normalisation norm) {
        TensorSpec spec = new TensorSpec("image", ElementType.FLOAT32, List.of(Dim.fixed(channels), Dim.fixed(height), Dim.fixed(width)));
        return MediaInputs.image(spec, image, norm.settings().withLayout(ImageLayout.NCHW));
    }
}
