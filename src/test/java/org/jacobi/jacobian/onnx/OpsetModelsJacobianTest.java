package org.jacobi.jacobian.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
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
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PyTorch models exported by torch.onnx at opsets 9, 11 and 13 (scripts/sweep_architectures.py --subset-dir):
 * a Conv1d network, a two-layer TransformerEncoder, and a small CNN with the operators whose ONNX form changed
 * (Upsample, Clip, Pad, Softmax, Split, ReduceMean, Dropout as attributes at opset 9). Each Jacobian, in both
 * modes, matches PyTorch's float64 Jacobian of the same weights to float32 rounding.
 */
class OpsetModelsJacobianTest {
    static final Path DIR = Path.of("src/test/resources/models/opsets");

    @ParameterizedTest(name = "{0} at opset {1}")
    @CsvSource({"conv1d,9", "conv1d,11", "conv1d,13", "transformer_encoder,9", "transformer_encoder,11",
        "transformer_encoder,13", "tiny_cnn,9", "tiny_cnn,11", "tiny_cnn,13"})
    void matchesPyTorchsFloat64Jacobian(String name, int opset) {
        Tensor x = Npy.read(DIR.resolve(name + ".input.npy"));
        double[] ref = Npy.read(DIR.resolve(name + ".jacobian64.npy")).toDoubleArray();
        double scale = 0;
        for (double v : ref) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertTrue(scale > 0);
        try (OnnxModel model = OnnxModel.load(DIR.resolve(name + "_op" + opset + ".onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            for (JacobianMode mode : new JacobianMode[] {JacobianMode.AUTO, JacobianMode.FORWARD, JacobianMode.REVERSE}) {
                JacobianResult r = engine.compute(new JacobianRequest(Map.of("x", x), null, null, BatchAxis.AUTO, mode, 0),
                    ProgressMonitor.NONE);
                assertTrue(r.exact());
                double[] j = r.jacobian().toDoubleArray();
                assertEquals(ref.length, j.length);
                double worst = 0;
                for (int i = 0; i < j.length; i++) {
                    worst = Math.max(worst, Math.abs(j[i] - ref[i]));
                }
                assertTrue(worst <= 1e-5 * scale, name + " opset " + opset + " " + mode + ": error " + worst + " of " + scale);
            }
        }
    }
}
