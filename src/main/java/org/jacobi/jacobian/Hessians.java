package org.jacobi.jacobian;

import org.jacobi.core.JacobiException;
import org.jacobi.jacobian.onnx.OnnxHessianEngine;
import org.jacobi.jacobian.torch.TorchHessianEngine;
import org.jacobi.model.Model;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.torch.TorchScriptModel;

/** Picks the Hessian engine for a model: the ONNX graph transform applied twice, or libtorch's double backward. */
public final class Hessians {
    private Hessians() {
    }

    public static HessianEngine engineFor(Model model) {
        return newEngine(model);
    }

    static HessianEngine newEngine(Model model) {
        if (model instanceof OnnxModel onnx) {
            return new OnnxHessianEngine(onnx);
        }
        if (model instanceof TorchScriptModel torch) {
            return new TorchHessianEngine(torch);
        }
        throw JacobiException.usage("Hessians need an ONNX or TorchScript model.");
    }

    /** The message for a full Hessian that does not fit the budget. */
    public static void checkFits(int samples, long inputsPerSample, long budget) {
        long bytes = samples * inputsPerSample * inputsPerSample * 4L;
        if (bytes > budget || samples * inputsPerSample * inputsPerSample > Integer.MAX_VALUE - 8) {
            throw JacobiException.usage(String.format(java.util.Locale.ROOT,
                "The Hessian would take %s (%d samples x %d x %d float32), more than the memory budget of %s. "
                    + "Use --vector V.npy for Hessian-vector products, fewer samples, or a larger --max-memory.",
                bytesLabel(bytes), samples, inputsPerSample, inputsPerSample, bytesLabel(budget)));
        }
    }

    static String bytesLabel(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
