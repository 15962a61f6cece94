package org.jacobi.inputs;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import org.jacobi.core.JacobiException;

/** Reads photos with the JDK's image readers: PNG, JPEG, BMP, GIF and (since Java 9) TIFF. */
public final class ImageFiles {
    /** Extensions taken for images; WebP is among them so that it gets a message saying to convert it. */
    private static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif", "tif", "tiff", "webp");

    private ImageFiles() {
    }

    public static boolean isImageFile(Path file) {
        return EXTENSIONS.contains(extension(file));
    }

    static String extension(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1);
    }

    /** The decoded image; a missing, damaged or unsupported file gives a one-line message saying what to do. */
    public static BufferedImage read(Path file) {
        String name = file.getFileName().toString();
        if (!Files.isRegularFile(file)) {
            throw JacobiException.usage(file + ": no such file. Check the path.");
        }
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new JacobiException(name + " could not be decoded (the file is damaged or cut short"
                + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "). Open and save it again, or give another image.", e);
        }
        if (image == null) {
            throw JacobiException.usage(name + " is not an image format Jacobi reads (PNG, JPEG, BMP, TIFF, GIF). "
                + "Convert it to PNG.");
        }
        if (image.getWidth() < 1 || image.getHeight() < 1) {
            throw JacobiException.usage(name + " has no pixels. Give another image.");
        }
        return image;
    }

    static Picture picture(Path file) {
        return Picture.of(read(file));
    }
}
