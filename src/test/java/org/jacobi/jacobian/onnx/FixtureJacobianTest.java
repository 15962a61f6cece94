package org.jacobi.jacobian.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
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

/** Every fixture model against its float64 reference Jacobian, in forward and in reverse mode. */
class FixtureJacobianTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (JacobianMode mode : new JacobianMode[] {JacobianMode.FORWARD, JacobianMode.REVERSE}) {
            for (String m : new String[] {"mlp_tanh", "mlp_relu_softmax", "cnn_small", "decoder_sigmoid"}) {
                b.add(Arguments.of(m, "x", mode));
            }
            b.add(Arguments.of("two_inputs", "x1", mode));
            b.add(Arguments.of("two_inputs", "x2", mode));
        }
        return b.build();
    }

    static Map<String, Tensor> inputs(String model) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        if (model.equals("two_inputs")) {
            in.put("x1", Npy.read(FIXTURES.resolve("two_inputs.input.x1.npy")));
            in.put("x2", Npy.read(FIXTURES.resolve("two_inputs.input.x2.npy")));
        } else {
            in.put("x", Npy.read(FIXTURES.resolve(model + ".input.npy")));
        }
        return in;
    }

    /** max |J - Jref| / max(1, max |Jref|). */
    static double relativeError(Tensor j, Tensor ref) {
        assertArrayEquals(ref.shape(), j.shape());
        double maxRef = 0;
        double maxErr = 0;
        for (int i = 0; i < ref.size(); i++) {
            maxRef = Math.max(maxRef, Math.abs(ref.getDouble(i)));
            maxErr = Math.max(maxErr, Math.abs(j.getDouble(i) - ref.getDouble(i)));
        }
        return maxErr / Math.max(1, maxRef);
    }

    @ParameterizedTest(name = "{0} d/d{1} {2}")
    @MethodSource("cases")
    void matchesReference(String name, String wrt, JacobianMode mode) {
        String refFile = name.equals("two_inputs") ? name + ".jacobian." + wrt + ".npy" : name + ".jacobian.npy";
        Tensor ref = Npy.read(FIXTURES.resolve(refFile));
        try (OnnxModel model = OnnxModel.load(FIXTURES.resolve(name + ".onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianRequest request = new JacobianRequest(inputs(name), wrt, null, BatchAxis.AUTO, mode, 0);
            JacobianResult result = engine.compute(request, ProgressMonitor.NONE);
            double err = relativeError(result.jacobian(), ref);
            System.out.printf("fixture %s d/d%s %s: max error %.3g (relative to max(1,max|J|))%n", name, wrt, mode, err);
            assertTrue(err <= 1e-4, name + " " + mode + " error " + err);
            assertEquals(mode, result.mode());
            assertTrue(result.exact());
            Tensor expectedOut = Npy.read(FIXTURES.resolve(name + ".output_f32.npy"));
            assertTrue(relativeError(result.output(), expectedOut) < 1e-5);
        }
    }
}
