package org.jacobi.inputs;

import java.util.Locale;
import org.jacobi.core.JacobiException;

/**
 * Where an image input keeps its channel axis: {@code NCHW} (PyTorch, ONNX exports of it) or {@code NHWC}
 * (TensorFlow converters); {@code AUTO} reads it from the input's declared shape (the axis of size 1, 3 or 4).
 */
public enum ImageLayout {
    AUTO, NCHW, NHWC;

    public static ImageLayout parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw JacobiException.usage("Unknown layout '" + text + "'. Use auto, nchw or nhwc.");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
