package org.jacobi.inputs;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.model.Dim;
import org.jacobi.model.InputBinder;
import org.jacobi.model.TensorSpec;

/**
 * One model input's tensor from photos or WAV clips; several files form a batch. The result is checked against
 * the declared shape and type ({@link InputBinder#check}).
 */
public final class MediaInputs {
    /** Enlarging a photo more than this many times gives mostly interpolation, not the photo: refused. */
    static final int MAX_ENLARGEMENT = 8;

    private MediaInputs() {
    }

    /** True for the photos and clips {@link #read} takes. */
    public static boolean isMediaFile(Path file) {
        return ImageFiles.isImageFile(file) || AudioFiles.isAudioFile(file);
    }

    /** The value of input {@code spec} from {@code files}, all photos or all clips. */
    public static Tensor read(TensorSpec spec, List<Path> files, InputSettings settings) {
        long clips = files.stream().filter(AudioFiles::isAudioFile).count();
        if (clips > 0 && clips < files.size()) {
            throw JacobiException.usage("Input '" + spec.name() + "' was given both photos and sound clips; give one kind per input.");
        }
        String source = files.size() == 1 ? files.get(0).getFileName().toString() : files.size() + " files";
        Tensor t = clips > 0 ? audio(spec, files, settings) : images(spec, files, settings);
        return InputBinder.check(spec, t, source);
    }

    /** The value of input {@code spec} from one decoded image (e.g. pasted, or decoded by the caller). */
    public static Tensor image(TensorSpec spec, BufferedImage image, InputSettings settings) {
        return InputBinder.check(spec, images(spec, List.of(Picture.of(image)), List.of("the image"), settings), "the image");
    }

    private static Tensor images(TensorSpec spec, List<Path> files, InputSettings s) {
        List<Picture> pictures = new ArrayList<>();
        for (Path f : files) {
            pictures.add(ImageFiles.picture(f));
        }
        return images(spec, pictures, files.stream().map(f -> f.getFileName().toString()).toList(), s);
    }

    private static Tensor images(TensorSpec spec, List<Picture> pictures, List<String> names, InputSettings s) {
        ImageShape shape = ImageShape.of(spec, s.layout());
        checkCount(spec, shape.batchAxis(), pictures.size(), "image");
        int outH = 0;
        int outW = 0;
        for (int i = 0; i < pictures.size(); i++) {
            Picture p = pictures.get(i);
            String name = names.get(i);
            int h = size(spec, shape.height(), p.height(), s.resize(), s.resize().height(), name, "height");
            int w = size(spec, shape.width(), p.width(), s.resize(), s.resize().width(), name, "width");
            if (h > MAX_ENLARGEMENT * p.height() || w > MAX_ENLARGEMENT * p.width()) {
                throw JacobiException.usage(name + " is " + p.width() + " x " + p.height() + " pixels; input '" + spec.name()
                    + "' takes " + w + " x " + h + ", more than " + MAX_ENLARGEMENT + " times larger. Give a larger image (at least "
                    + (w + MAX_ENLARGEMENT - 1) / MAX_ENLARGEMENT + " x " + (h + MAX_ENLARGEMENT - 1) / MAX_ENLARGEMENT + ").");
            }
            if (i > 0 && (h != outH || w != outW)) {
                throw JacobiException.usage("The images come out in different sizes (" + names.get(0) + " " + outW + " x "
                    + outH + ", " + name + " " + w + " x " + h + "), and a batch needs one size. Give --resize HxW.");
            }
            outH = h;
            outW = w;
        }
        int channels = Math.max(1, shape.channels());
        Normalization norm = s.normalization().forChannelOrder(s.channels());
        int plane = outH * outW;
        double[] data = new double[pictures.size() * channels * plane];
        for (int n = 0; n < pictures.size(); n++) {
            Picture p = pictures.get(n);
            float[][] planes = p.channels(channels, s.channels());
            for (int c = 0; c < channels; c++) {
                double[] v = Resampling.TRIANGLE.resample(planes[c], p.width(), p.height(), outW, outH);
                int base = n * channels * plane;
                for (int i = 0; i < plane; i++) {
                    int at = shape.layout() == ImageLayout.NHWC ? base + i * channels + c : base + c * plane + i;
                    data[at] = norm.apply(v[i], c);
                }
            }
        }
        return Tensor.ofDoubles(data, shape.tensorShape(pictures.size(), outH, outW));
    }

    /** One axis's size: the declared one when fixed (a different explicit choice is an error), else the resize choice. */
    private static int size(TensorSpec spec, long declared, int actual, Resize resize, int wanted, String file, String axis) {
        if (declared > 0 && resize.kind() == Resize.Kind.KEEP && declared != actual) {
            throw JacobiException.usage(file + " has " + axis + " " + actual + " but input '" + spec.name() + "' takes " + declared
                + " (" + spec.shapeText() + "); leave out --resize keep to resize it.");
        }
        if (declared > 0 && resize.kind() == Resize.Kind.SIZE && declared != wanted) {
            throw JacobiException.usage("Input '" + spec.name() + "' " + spec.shapeText() + " has a fixed " + axis + " of " + declared
                + "; --resize " + resize + " does not fit it. Leave --resize out.");
        }
        return resize.resolve(declared, actual, wanted);
    }

    private static void checkCount(TensorSpec spec, boolean batchAxis, int count, String what) {
        Dim batch = spec.dims().get(0);
        boolean fixedOne = !batchAxis || batch.isFixed();
        long allowed = !batchAxis ? 1 : batch.isFixed() ? batch.size() : -1;
        if (fixedOne && allowed != count) {
            throw JacobiException.usage("Input '" + spec.name() + "' " + spec.shapeText() + " takes " + allowed + " " + what
                + (allowed == 1 ? "" : "s") + " per run, not " + count + ". Give " + allowed + ".");
        }
    }

    /** Clips for an input shaped {@code [batch, samples]}, {@code [batch, 1, samples]} or {@code [samples]}. */
    private static Tensor audio(TensorSpec spec, List<Path> files, InputSettings s) {
        List<Dim> dims = spec.dims();
        if (dims == null) {
            throw JacobiException.usage("Input '" + spec.name() + "' declares no shape (TorchScript). Give its sample shape, "
                + "e.g. --shape " + spec.name() + "=16000, or a tensor file.");
        }
        boolean batchAxis = dims.size() >= 2;
        boolean channelAxis = dims.size() == 3;
        if (dims.size() > 3 || (channelAxis && !(dims.get(1).isFixed() && dims.get(1).size() == 1))) {
            throw JacobiException.usage("Input '" + spec.name() + "' is shaped " + spec.shapeText() + ", not like a sound "
                + "[batch, samples] or [batch, 1, samples]. Give a tensor file (.npy) for it.");
        }
        checkCount(spec, batchAxis, files.size(), "clip");
        Dim length = dims.get(dims.size() - 1);
        List<double[]> clips = new ArrayList<>();
        for (Path f : files) {
            double[] samples = AudioFiles.read(f).resampledTo(s.sampleRate()).samples();
            String name = f.getFileName().toString();
            if (length.isFixed() && samples.length != length.size()) {
                throw JacobiException.usage(name + " gives " + samples.length + " samples" + (s.sampleRate() > 0 ? " at " + s.sampleRate() + " Hz" : "")
                    + " but input '" + spec.name() + "' takes " + length.size() + " (" + spec.shapeText() + "). Cut the clip to that length"
                    + (s.sampleRate() > 0 ? "." : ", or give --sample-rate."));
            }
            if (!clips.isEmpty() && clips.get(0).length != samples.length) {
                throw JacobiException.usage("The clips have different lengths (" + clips.get(0).length + " and " + samples.length
                    + " samples); a batch needs one length. Cut them to one length.");
            }
            clips.add(samples);
        }
        int n = clips.get(0).length;
        double[] data = new double[clips.size() * n];
        for (int i = 0; i < clips.size(); i++) {
            System.arraycopy(clips.get(i), 0, data, i * n, n);
        }
        long[] shape = !batchAxis ? new long[] {n} : channelAxis ? new long[] {clips.size(), 1, n} : new long[] {clips.size(), n};
        return Tensor.ofDoubles(data, shape);
    }
}
