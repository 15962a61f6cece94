package org.jacobi.jacobian.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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
 * Models exported from PyTorch by scripts/make_test_models.py with operators the fixtures lack
 * (LayerNormalization, Gelu as Erf, Softplus; an attention block with dynamic reshapes, Split, Pow and
 * ReduceMean; residual grouped dilated convolutions with BatchNormalization, InstanceNormalization,
 * MaxPool, ConvTranspose and padded AveragePool), against float64 PyTorch Jacobians.
 */
class GeneratedModelsJacobianTest {
    static final Path MODELS = Path.of("src/test/resources/models");

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String m : new String[] {"norm_mlp", "attention_block", "residual_conv"}) {
            b.add(Arguments.of(m, JacobianMode.FORWARD));
            b.add(Arguments.of(m, JacobianMode.REVERSE));
        }
        return b.build();
    }

    /** A batch of one sample: the probe must not mistake the batch axis for a broadcast axis of size 1. */
    @ParameterizedTest(name = "{0} {1}, one sample")
    @MethodSource("cases")
    void oneSampleMatchesItsReference(String name, JacobianMode mode) {
        Tensor ref = Npy.read(MODELS.resolve(name + ".jacobian.npy")).sliceRows(1, 2);
        Tensor x = Npy.read(MODELS.resolve(name + ".input.npy")).sliceRows(1, 2);
        try (OnnxModel model = OnnxModel.load(MODELS.resolve(name + ".onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianResult r = engine.compute(new JacobianRequest(Map.of("x", x), null, null, BatchAxis.AUTO, mode, 0),
                ProgressMonitor.NONE);
            assertTrue(FixtureJacobianTest.relativeError(r.jacobian(), ref) <= 1e-4);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matchesPyTorchReference(String name, JacobianMode mode) {
        Tensor ref = Npy.read(MODELS.resolve(name + ".jacobian.npy"));
        Tensor x = Npy.read(MODELS.resolve(name + ".input.npy"));
        try (OnnxModel model = OnnxModel.load(MODELS.resolve(name + ".onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianResult r = engine.compute(new JacobianRequest(Map.of("x", x), null, null, BatchAxis.AUTO, mode, 0),
                ProgressMonitor.NONE);
            double err = FixtureJacobianTest.relativeError(r.jacobian(), ref);
            System.out.printf("model %s %s: max error %.3g%n", name, mode, err);
            assertTrue(err <= 1e-4, name + " " + mode + " error " + err);
        }
    }
}
