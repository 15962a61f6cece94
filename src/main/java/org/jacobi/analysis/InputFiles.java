package org.jacobi.analysis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.inputs.InputSettings;
import org.jacobi.inputs.MediaInputs;
import org.jacobi.io.TensorFiles;
import org.jacobi.model.InputBinder;
import org.jacobi.model.ModelInfo;
import org.jacobi.model.TensorSpec;

/**
 * A model's inputs from files the user dropped or chose (NPY, NPZ, CSV, photos, WAV clips), or generated: each
 * array goes to the input of its name, else to the next input without a value; photos or clips all feed one
 * input, stacked as a batch.
 */
public final class InputFiles {
    private InputFiles() {
    }

    /** How generated samples are drawn. */
    public record Generation(SampleGenerator.Kind kind, long seed, int count) {
        public Generation {
            count = Math.max(1, count);
        }

        public String describe() {
            return count + " generated sample" + (count == 1 ? "" : "s") + " (" + kind + ", seed " + seed + ")";
        }
    }

    /** Generated values for every input ({@code count} samples where axis 0 is the batch; integer inputs are zeros). */
    public static Map<String, Tensor> generate(ModelInfo info, Generation gen) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        int index = 0;
        for (TensorSpec spec : info.inputs()) {
            long[] sample = SampleShapes.sampleShape(spec);
            boolean floating = spec.type() == null || spec.type().isFloatingPoint();
            Tensor t = SampleGenerator.generate(floating ? gen.kind() : SampleGenerator.Kind.ZEROS, sample, gen.count(), gen.seed() + index++);
            if (!spec.hasDynamicLeadingAxis()) {
                t = t.sliceRows(0, 1).reshape(SampleShapes.fullShape(spec));
            }
            out.put(spec.name(), InputBinder.check(spec, t, "generated samples"));
        }
        return out;
    }

    /**
     * Reads {@code files} as inputs of the model, on top of {@code current}; photos (or WAV clips) all feed one
     * input, as a batch, made as {@code settings} say.
     *
     * @param target the input that photos, clips and the first unnamed array feed, or null for the model's first input
     */
    public static Map<String, Tensor> read(ModelInfo info, Map<String, Tensor> current, List<Path> files,
                                           InputSettings settings, String target) {
        Map<String, Tensor> in = new LinkedHashMap<>(current);
        List<String> unassigned = new ArrayList<>(info.inputs().stream().map(TensorSpec::name).toList());
        if (target != null && unassigned.remove(target)) {
            unassigned.add(0, target);
        }
        List<Path> media = files.stream().filter(MediaInputs::isMediaFile).toList();
        if (!media.isEmpty()) {
            TensorSpec spec = info.input(unassigned.isEmpty() ? info.inputs().get(0).name() : unassigned.remove(0));
            in.put(spec.name(), MediaInputs.read(spec, media, settings));
        }
        for (Path f : files) {
            if (MediaInputs.isMediaFile(f)) {
                continue;
            }
            for (Map.Entry<String, Tensor> e : TensorFiles.read(f).entrySet()) {
                String name = info.input(e.getKey()) != null ? e.getKey()
                    : unassigned.isEmpty() ? null : unassigned.get(0);
                if (name == null) {
                    throw new JacobiException(f.getFileName() + " holds more arrays than the model has inputs.");
                }
                unassigned.remove(name);
                in.put(name, InputBinder.check(info.input(name), e.getValue(), f.getFileName().toString()));
            }
        }
        for (TensorSpec spec : info.inputs()) {
            if (!in.containsKey(spec.name())) {
                throw new JacobiException("No value for input '" + spec.name() + "'. Drop a file for it too, or generate samples.");
            }
        }
        return in;
    }

    /** "name.npy" for one file, "3 files" for several. */
    public static String describe(List<Path> files) {
        return files.size() == 1 ? files.get(0).getFileName().toString() : files.size() + " files";
    }

    /** True for the file kinds {@link #read} takes. */
    public static boolean isInputFile(Path file) {
        return TensorFiles.isTensorFile(file) || MediaInputs.isMediaFile(file);
    }
}
