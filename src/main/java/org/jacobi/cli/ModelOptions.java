package org.jacobi.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.JacobiException;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import picocli.CommandLine.Option;

/** Options shared by every subcommand that opens a model. */
public final class ModelOptions {
    @Option(names = "--shape", paramLabel = "NAME=D1,D2,...",
        description = "Shape of one sample of an input, e.g. x=1,28,28 (the batch axis is added in front). "
            + "Needed for TorchScript, whose files declare no shapes, unless an --input file gives it.")
    List<String> shapes = new ArrayList<>();

    @Option(names = "--device", paramLabel = "auto|cpu|cuda", defaultValue = "auto",
        description = "Where to run: auto (GPU when present), cpu or cuda. Default: ${DEFAULT-VALUE}.")
    String device = "auto";

    public DevicePreference devicePreference() {
        try {
            return DevicePreference.valueOf(device.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw JacobiException.usage("Unknown device '" + device + "'. Use auto, cpu or cuda.");
        }
    }

    public Map<String, long[]> sampleShapes() {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (String s : shapes) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw JacobiException.usage("--shape '" + s + "' must look like NAME=D1,D2,... e.g. x=1,28,28.");
            }
            String[] parts = s.substring(eq + 1).split("[,x]");
            long[] dims = new long[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    dims[i] = Long.parseLong(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw JacobiException.usage("--shape '" + s + "': '" + parts[i] + "' is not a whole number.");
                }
                if (dims[i] <= 0) {
                    throw JacobiException.usage("--shape '" + s + "': dimensions must be positive.");
                }
            }
            out.put(s.substring(0, eq), dims);
        }
        return out;
    }

    public ModelLoader.Options loaderOptions() {
        return new ModelLoader.Options(devicePreference(), sampleShapes(), false);
    }

    public Model load(Path model) {
        return ModelLoader.load(model, loaderOptions());
    }
}
