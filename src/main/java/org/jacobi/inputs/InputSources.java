package org.jacobi.inputs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.io.TensorFiles;
import org.jacobi.io.TensorFiles.InputArgument;
import org.jacobi.model.InputBinder;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;

/**
 * Binds input files of every kind to a model's inputs: tensor files (NPY, NPZ, CSV), photos and WAV clips. A file
 * named {@code NAME=FILE} feeds that input; an unnamed one the next input without a value, and unnamed photos (or
 * clips) given one after another all feed the same input, as a batch. Every value is checked against its input's
 * declared shape and type.
 */
public final class InputSources {
    private InputSources() {
    }

    /** Reads the files and binds them to the model's inputs; every input must get a value. */
    public static Map<String, Tensor> bind(ModelInfo info, List<InputArgument> arguments, InputSettings settings) {
        return bind(info, arguments, settings, null);
    }

    /**
     * As {@link #bind(ModelInfo, List, InputSettings)}, adding to {@code notes} (when not null) one line per input
     * fed by photos or clips, e.g. "input 'image' from face.png: [1, 128, 128, 3], NHWC".
     */
    public static Map<String, Tensor> bind(ModelInfo info, List<InputArgument> arguments, InputSettings settings,
                                           List<String> notes) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, List<Path>> media = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        List<String> unassigned = new ArrayList<>(info.inputs().stream().map(TensorSpec::name).toList());
        String lastMediaInput = null;
        for (InputArgument arg : arguments) {
            if (arg.name() != null && info.input(arg.name()) == null) {
                throw JacobiException.usage("The model has no input '" + arg.name() + "'. Its inputs are " + names(info) + ".");
            }
            if (MediaInputs.isMediaFile(arg.file())) {
                String name = arg.name() != null ? arg.name() : lastMediaInput != null ? lastMediaInput : next(info, unassigned);
                if (tensors.containsKey(name)) {
                    throw twice(name, sources.get(name), arg.file().toString());
                }
                media.computeIfAbsent(name, k -> new ArrayList<>()).add(arg.file());
                sources.putIfAbsent(name, arg.file().toString());
                unassigned.remove(name);
                lastMediaInput = arg.name() == null ? name : lastMediaInput;
                continue;
            }
            lastMediaInput = null;
            if (!TensorFiles.isTensorFile(arg.file()) && !ImageFiles.extension(arg.file()).equals("txt")) {
                throw JacobiException.usage(arg.file().getFileName() + ": Jacobi reads tensor files (.npy, .npz, .csv), photos "
                    + "(.png, .jpg, .bmp, .tif, .gif) and WAV clips as inputs. Convert it to one of them.");
            }
            Map<String, Tensor> arrays = TensorFiles.read(arg.file());
            if (arg.name() != null) {
                if (arrays.size() != 1) {
                    throw JacobiException.usage(arg.file() + " holds several arrays; name one file per input.");
                }
                put(tensors, media, sources, unassigned, arg.name(), arrays.values().iterator().next(), arg.file().toString());
            } else if (arrays.size() > 1 || (!arrays.containsKey("") && info.input(arrays.keySet().iterator().next()) != null)) {
                for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
                    if (info.input(e.getKey()) == null) {
                        throw JacobiException.usage(arg.file() + " holds an array '" + e.getKey()
                            + "' but the model has no such input. Its inputs are " + names(info) + ".");
                    }
                    put(tensors, media, sources, unassigned, e.getKey(), e.getValue(), arg.file() + ":" + e.getKey());
                }
            } else {
                put(tensors, media, sources, unassigned, next(info, unassigned), arrays.values().iterator().next(), arg.file().toString());
            }
        }
        if (!unassigned.isEmpty()) {
            throw JacobiException.usage("No input file for model input" + (unassigned.size() > 1 ? "s " : " ")
                + unassigned + ". Give --input NAME=FILE for each.");
        }
        Map<String, Tensor> bound = new LinkedHashMap<>();
        for (TensorSpec spec : info.inputs()) {
            List<Path> files = media.get(spec.name());
            if (files == null) {
                bound.put(spec.name(), InputBinder.check(spec, tensors.get(spec.name()), sources.get(spec.name())));
                continue;
            }
            Tensor value = MediaInputs.read(spec, files, settings);
            bound.put(spec.name(), value);
            if (notes != null) {
                boolean photos = !AudioFiles.isAudioFile(files.get(0));
                notes.add("input '" + spec.name() + "' from " + (files.size() == 1 ? files.get(0).getFileName() : files.size() + " files")
                    + ": " + Tensor.shapeToString(value.shape()) + (photos ? ", " + ImageShape.of(spec, settings.layout()).layout().name() : ""));
            }
        }
        return bound;
    }

    private static String next(ModelInfo info, List<String> unassigned) {
        if (unassigned.isEmpty()) {
            throw JacobiException.usage("More input files than model inputs " + names(info) + ".");
        }
        return unassigned.get(0);
    }

    private static void put(Map<String, Tensor> tensors, Map<String, List<Path>> media, Map<String, String> sources,
                            List<String> unassigned, String name, Tensor t, String source) {
        if (tensors.containsKey(name) || media.containsKey(name)) {
            throw twice(name, sources.get(name), source);
        }
        tensors.put(name, t);
        sources.put(name, source);
        unassigned.remove(name);
    }

    private static JacobiException twice(String name, String first, String second) {
        return JacobiException.usage("Input '" + name + "' is given twice (" + first + " and " + second + ").");
    }

    private static String names(ModelInfo info) {
        return info.inputs().stream().map(TensorSpec::name).toList().toString();
    }
}
