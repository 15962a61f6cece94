package org.jacobi.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.JacobiException;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.torch.TorchScriptModel;

/** Opens a model file of either format, telling the format from the name and the first bytes. */
public final class ModelLoader {
    private ModelLoader() {
    }

    /**
     * How to open a model.
     *
     * @param device where to run
     * @param sampleShapes per-sample input shapes by input name (from {@code --shape}); TorchScript files
     *     declare none
     * @param openNow open an ONNX model's ONNX Runtime session at once, so that a file it refuses is reported on
     *     opening (the app); otherwise on first use (the command line, where a request refused from the declared
     *     shapes alone then waits for no session)
     */
    public record Options(DevicePreference device, Map<String, long[]> sampleShapes, boolean openNow) {
        public Options {
            sampleShapes = Map.copyOf(sampleShapes);
        }

        public Options(DevicePreference device, Map<String, long[]> sampleShapes) {
            this(device, sampleShapes, true);
        }

        public static Options defaults() {
            return new Options(DevicePreference.AUTO, Map.of());
        }
    }

    public static Model load(Path path) {
        return load(path, Options.defaults());
    }

    public static Model load(Path path, Options options) {
        ModelFormat format = detectFormat(path);
        return switch (format) {
            case ONNX -> options.openNow() ? OnnxModel.load(path, options.device()).open() : OnnxModel.load(path, options.device());
            case TORCHSCRIPT -> TorchScriptModel.load(path, options.device(), options.sampleShapes());
        };
    }

    /** The format of {@code path}, or an error saying why it is no model Jacobi reads. */
    public static ModelFormat detectFormat(Path path) {
        if (!Files.exists(path)) {
            throw new JacobiException("File not found: " + path + ". Check the path.");
        }
        if (Files.isDirectory(path)) {
            throw new JacobiException(path + " is a folder, not a model file. Give an .onnx or .pt file.");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(4);
        } catch (IOException e) {
            throw new JacobiException("Could not read " + path + ": " + e.getMessage() + ".", e);
        }
        if (head.length == 0) {
            throw new JacobiException(path + " is empty, not a model. Export the model again.");
        }
        boolean zip = head.length >= 2 && head[0] == 'P' && head[1] == 'K';
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".onnx")) {
            if (zip) {
                throw new JacobiException(path + " is a ZIP archive (a TorchScript or PyTorch file?), not ONNX. Rename it to .pt if it is TorchScript.");
            }
            return ModelFormat.ONNX;
        }
        if (name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".torchscript") || name.endsWith(".ptl")) {
            if (!zip) {
                throw new JacobiException(path + " is not a TorchScript file (TorchScript files are ZIP archives). "
                    + "Save the model with torch.jit.save(torch.jit.trace(model, example), path).");
            }
            return ModelFormat.TORCHSCRIPT;
        }
        if (zip) {
            return ModelFormat.TORCHSCRIPT;
        }
        if ((head[0] & 0xff) == 0x08) {
            return ModelFormat.ONNX; // protobuf field 1 (ir_version), varint: how every ONNX file starts
        }
        throw new JacobiException(path + " is not a model Jacobi reads. Give an ONNX (.onnx) or TorchScript (.pt) file.");
    }
}
