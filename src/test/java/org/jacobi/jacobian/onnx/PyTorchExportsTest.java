package org.jacobi.jacobian.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.onnx.OnnxModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PyTorch's own layers exported by torch.onnx.export at opsets 11, 13 and 17 (recurrent layers, upsampling,
 * a TransformerEncoder), differentiated in both modes and checked against PyTorch's float64 Jacobians
 * (made by scripts/make_rnn_resize_models.py).
 */
class PyTorchExportsTest {
    static final Path DIR = Path.of("src/test/resources/models/rnn_resize");
    static final List<String> MODELS = List.of("lstm", "lstm2_bidirectional", "gru", "gru2_bidirectional", "rnn",
        "rnn_relu_bidirectional", "upsample_bilinear_noalign", "upsample_bilinear_align", "upsample_bicubic_noalign",
        "upsample_bicubic_align", "upsample_bilinear_size", "transformer_encoder");

    static Stream<Arguments> exports() {
        List<Arguments> out = new ArrayList<>();
        for (String m : MODELS) {
            for (int opset : new int[] {11, 13, 17}) {
                out.add(Arguments.of(m, opset));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} opset {1}")
    @MethodSource("exports")
    void bothModesMatchPyTorchFloat64(String name, int opset) {
        Tensor x = Npy.read(DIR.resolve(name + ".input.npy"));
        Tensor expected = Npy.read(DIR.resolve(name + ".jacobian.npy"));
        try (OnnxModel model = OnnxModel.load(DIR.resolve(name + ".opset" + opset + ".onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            for (JacobianMode mode : new JacobianMode[] {JacobianMode.FORWARD, JacobianMode.REVERSE}) {
                JacobianRequest request = new JacobianRequest(Map.of("x", x), "x", "y", BatchAxis.AUTO, mode, 0);
                JacobianResult r = engine.compute(request, ProgressMonitor.NONE);
                assertArrayEquals(expected.shape(), r.jacobian().shape(), name + " " + mode + " layout");
                assertClose(name + " opset " + opset + " " + mode, r.jacobian().toDoubleArray(), expected.toDoubleArray());
            }
        }
    }

    /** Agreement to float32 rounding: 1e-5 of the largest entry. */
    static void assertClose(String what, double[] actual, double[] expected) {
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(scale > 1e-3, what + ": the reference Jacobian is all but zero");
        double worst = 0;
        int at = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs(actual[i] - expected[i]);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        final int where = at;
        final double w = worst;
        final double s = scale;
        assertTrue(worst <= 1e-5 * scale, () -> what + ": max error " + w + " (" + w / s + " of the largest entry " + s
            + ") at " + where + ": " + actual[where] + " vs " + expected[where]);
    }
}
