package org.jacobi.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jacobi.core.Tensor;
import org.jacobi.inputs.InputSettings;
import org.jacobi.inputs.InputSettingsFiles;
import org.jacobi.inputs.InputSources;
import org.jacobi.inputs.MediaInputs;
import org.jacobi.io.TensorFiles.InputArgument;
import org.jacobi.model.Model;
import picocli.CommandLine.Option;

/**
 * How {@code --input} files are read, for every command that takes them: tensor files as they are, photos and WAV
 * clips as the options, a sidecar file or the model's metadata say. The one place commands bind their inputs.
 */
public final class InputFileOptions {
    @Option(names = "--layout", paramLabel = "auto|nchw|nhwc",
        description = "Where an image input keeps its channels. Default: auto, from the input's shape (the axis of size 1, 3 or 4).")
    String layout;

    @Option(names = "--resize", paramLabel = "HxW|keep|multiple:N",
        description = "Size of photos for inputs with a dynamic height or width: HxW, keep (the photo's own), or multiple:N "
            + "(rounded to multiples of N). A fixed height and width always win. Default: keep.")
    String resize;

    @Option(names = "--normalize", paramLabel = "PRESET",
        description = "Pixel values: 0..1, -1..1, imagenet, raw (0..255), or mean=R,G,B;std=R,G,B (0..1 units; add ;scale=1 "
            + "for 0..255 units). Default: 0..1, or what the model's metadata states.")
    String normalize;

    @Option(names = "--channels", paramLabel = "rgb|bgr", description = "Colour channel order the model takes. Default: rgb.")
    String channels;

    @Option(names = "--sample-rate", paramLabel = "HZ",
        description = "Resample WAV clips to this rate (windowed sinc). Default: each clip's own rate.")
    String sampleRate;

    @Option(names = "--input-settings", paramLabel = "FILE.json",
        description = "Read the image and audio settings from this file instead of MODEL.jacobi.json beside the model.")
    Path settingsFile;

    @Option(names = "--save-input-settings",
        description = "Save the image and audio settings used (to --input-settings, or MODEL.jacobi.json beside the model), "
            + "so later runs and the app read photos the same way.")
    boolean saveSettings;

    /** The settings for {@code model}: options over the sidecar over the model's metadata over the defaults. */
    InputSettingsFiles.Resolved settings(Model model) {
        Map<String, String> stated = new LinkedHashMap<>();
        stated.put(InputSettings.LAYOUT, layout);
        stated.put(InputSettings.RESIZE, resize);
        stated.put(InputSettings.NORMALIZE, normalize);
        stated.put(InputSettings.CHANNELS, channels);
        stated.put(InputSettings.SAMPLE_RATE, sampleRate);
        if (saveSettings && settingsFile != null && !Files.exists(settingsFile)) {
            return InputSettingsFiles.resolve(null, model.metadata(), null, stated); // a new file: no sidecar to read
        }
        return InputSettingsFiles.resolve(model.info().path(), model.metadata(), settingsFile, stated);
    }

    /**
     * Reads and checks the {@code --input} files against the model.
     *
     * @param notes where to say how photos and clips were read (null for nothing)
     */
    Map<String, Tensor> bind(Model model, List<String> inputs, PrintWriter notes) {
        List<InputArgument> args = inputs.stream().map(InputArgument::parse).toList();
        if (!saveSettings && args.stream().noneMatch(a -> MediaInputs.isMediaFile(a.file()))) {
            // tensor files only: no settings to read, so a stray sidecar or metadata cannot get in the way
            return InputSources.bind(model.info(), args, InputSettings.defaults());
        }
        InputSettingsFiles.Resolved resolved = settings(model);
        List<String> media = new ArrayList<>();
        Map<String, Tensor> bound = InputSources.bind(model.info(), args, resolved.settings(), media);
        if (saveSettings) {
            Path file = settingsFile != null ? settingsFile : InputSettingsFiles.sidecarFor(model.info().path());
            InputSettingsFiles.write(file, resolved.settings());
            if (notes != null) {
                notes.println("jacobi: input settings saved to " + file);
            }
        }
        if (notes != null && !media.isEmpty()) {
            notes.println("jacobi: " + String.join("; ", media) + "; read with " + resolved.describe() + ".");
        }
        return bound;
    }
}
