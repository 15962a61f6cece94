package org.jacobi.autodiff;

import java.util.Map;
import org.jacobi.core.Tensor;
import org.jacobi.model.onnx.OnnxModel;

/** Lets engine tests reuse the operator table's central differences. */
public final class OperatorTableTestAccess {
    private OperatorTableTestAccess() {
    }

    public static double[] centralDifferences(OnnxModel model, Map<String, Tensor> inputs, String wrt, String of) {
        return OperatorTableTest.centralDifferences(model, inputs, wrt, of, inputs.get(wrt).type().onnxCode());
    }
}
