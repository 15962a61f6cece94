package org.jacobi.ui;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jacobi.core.JacobiException;
import org.jacobi.io.AtomicFiles;

/** The demo models and their sample inputs bundled in the jar, copied to a cache folder on first use. */
public final class DemoAssets {
    public static final String DEMO_MODEL = "demo.onnx";
    public static final String DEMO_INPUT = "demo.input.npy";

    /** The demos File > Open Demo offers; the first opens when the app starts without a model. */
    public enum Demo {
        LAUNCH("Launch trajectory (regression, named inputs and outputs)", DEMO_MODEL, DEMO_INPUT),
        DIGITS("Handwritten digits (8×8 classifier: saliency of each class)", "digits.onnx", "digits.input.npy");

        private final String title;
        private final String model;
        private final String input;

        Demo(String title, String model, String input) {
            this.title = title;
            this.model = model;
            this.input = input;
        }

        public String title() {
            return title;
        }

        public Path model() {
            return extract("models/" + model);
        }

        public Path input() {
            return extract("samples/" + input);
        }
    }

    private DemoAssets() {
    }

    public static Path demoModel() {
        return Demo.LAUNCH.model();
    }

    public static Path demoInput() {
        return Demo.LAUNCH.input();
    }

    /** True for a file this class unpacked (no file the user chose, so not worth a recent-files entry). */
    public static boolean isUnpackedDemo(Path file) {
        return file.toAbsolutePath().normalize().startsWith(directory().toAbsolutePath().normalize());
    }

    private static Path directory() {
        return Path.of(System.getProperty("java.io.tmpdir"), "jacobi-demo-" + System.getProperty("user.name", "user"));
    }

    private static Path extract(String resource) {
        Path dir = directory();
        Path target = dir.resolve(Path.of(resource).getFileName());
        try (InputStream in = DemoAssets.class.getResourceAsStream("/assets/" + resource)) {
            if (in == null) {
                throw new JacobiException("The bundled demo file " + resource + " is missing from this build.");
            }
            // written as the user's other files are (their umask), not createTempFile's private 0600
            AtomicFiles.write(target, true, in::transferTo);
            return target;
        } catch (IOException e) {
            throw new JacobiException("Could not unpack the demo model: " + e.getMessage(), e);
        }
    }
}
