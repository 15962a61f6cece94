package org.jacobi.inputs;

import java.util.Locale;
import org.jacobi.core.JacobiException;

/** The order of colour channels a model takes: RGB (PyTorch, TensorFlow) or BGR (OpenCV and Caffe exports). */
public enum ChannelOrder {
    RGB, BGR;

    public static ChannelOrder parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw JacobiException.usage("Unknown channel order '" + text + "'. Use rgb or bgr.");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
