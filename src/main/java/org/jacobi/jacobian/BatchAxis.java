package org.jacobi.jacobian;

import java.util.Locale;
import org.jacobi.core.JacobiException;
import org.jacobi.model.ModelFormat;
import org.jacobi.model.TensorSpec;

/**
 * Which axis holds independent samples. {@code AUTO}: axis 0 when the model declares it dynamic (ONNX)
 * or always (TorchScript, which declares nothing); {@code ZERO}: axis 0; {@code NONE}: the whole tensor
 * is one sample, so operators that mix axis 0 get their true Jacobian.
 */
public enum BatchAxis {
    AUTO, ZERO, NONE;

    /** True when axis 0 is the batch for this input. */
    public boolean isBatched(ModelFormat format, TensorSpec wrt) {
        switch (this) {
            case ZERO: return true;
            case NONE: return false;
            default:
                return format == ModelFormat.TORCHSCRIPT || wrt.dims() == null || wrt.hasDynamicLeadingAxis();
        }
    }

    public static BatchAxis parse(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "auto": return AUTO;
            case "0": case "zero": return ZERO;
            case "none": return NONE;
            default: throw JacobiException.usage("Unknown --batch-axis '" + text + "'. Use 0 or none.");
        }
    }
}
