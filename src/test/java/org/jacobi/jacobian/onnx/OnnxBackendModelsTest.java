package org.jacobi.jacobian.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jacobi.autodiff.TensorProtos;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ONNX backend test models (Debian's libonnx-testdata, copied) of LSTM, GRU, RNN and Resize, whose expected
 * outputs come from ONNX's reference implementation, not from ONNX Runtime. Recurrent layers: the expanded graph's
 * output equals the expected one (this covers layout 1, which ONNX Runtime cannot run), and both modes agree.
 * Resize is linear, so its Jacobian applied to the input must give the expected output.
 */
class OnnxBackendModelsTest {
    static final Path DIR = Path.of("src/test/resources/onnx_backend");

    static Stream<String> models() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    static Tensor tensor(Path pb) throws IOException {
        Onnx.TensorProto t = Onnx.TensorProto.parseFrom(Files.readAllBytes(pb));
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        switch (t.getDataType()) {
            case 1: {
                double[] v = TensorProtos.toDoubles(t);
                float[] f = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    f[i] = (float) v[i];
                }
                return Tensor.ofFloats(f, dims);
            }
            case 7: return Tensor.ofLongs(TensorProtos.toLongs(t), dims);
            case 6: return Tensor.ofInts(Arrays.stream(TensorProtos.toLongs(t)).mapToInt(x -> (int) x).toArray(), dims);
            default: throw new IllegalArgumentException("type " + t.getDataType());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void backendModel(String name) throws Exception {
        Path dir = DIR.resolve(name);
        Onnx.ModelProto proto = Onnx.ModelProto.parseFrom(Files.readAllBytes(dir.resolve("model.onnx")));
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        List<String> inputNames = new ArrayList<>();
        proto.getGraph().getInputList().forEach(v -> inputNames.add(v.getName()));
        for (int i = 0; i < inputNames.size(); i++) {
            inputs.put(inputNames.get(i), tensor(dir.resolve("test_data_set_0/input_" + i + ".pb")));
        }
        String of = proto.getGraph().getOutput(0).getName();
        Tensor expected = tensor(dir.resolve("test_data_set_0/output_0.pb"));
        Onnx.NodeProto node = proto.getGraph().getNode(0);
        try (OnnxModel model = OnnxModel.load(dir.resolve("model.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianRequest request = new JacobianRequest(inputs, "X", of, BatchAxis.NONE, JacobianMode.FORWARD, 0);
            JacobianResult forward = engine.compute(request, ProgressMonitor.NONE);
            JacobianResult reverse = engine.compute(request.withMode(JacobianMode.REVERSE), ProgressMonitor.NONE);
            double[] jf = forward.jacobian().toDoubleArray();
            double[] jr = reverse.jacobian().toDoubleArray();
            assertClose(name + " reverse vs forward", jr, jf);
            if (node.getOpType().equals("Resize")) {
                double extrapolation = 0;
                for (Onnx.AttributeProto a : node.getAttributeList()) {
                    if (a.getName().equals("extrapolation_value")) {
                        extrapolation = a.getF();
                    }
                }
                double[] x = inputs.get("X").toDoubleArray();
                double[] y = new double[expected.size()];
                for (int o = 0; o < y.length; o++) {
                    boolean any = false;
                    for (int i = 0; i < x.length; i++) {
                        y[o] += jf[o * x.length + i] * x[i];
                        any |= jf[o * x.length + i] != 0;
                    }
                    if (!any) {
                        y[o] = extrapolation; // outside the crop: the extrapolation value, which has no derivative
                    }
                }
                double[] reference = expected.toDoubleArray();
                if (OUTDATED.contains(name)) {
                    // ONNX 1.12's reference took the unrounded output length (scale * input length) for
                    // align_corners, which later ONNX releases and ONNX Runtime do not: compare with ONNX Runtime.
                    double[] ort = model.run(inputs).get(of).toDoubleArray();
                    assertTrue(maxDifference(ort, reference) > 1e-2, name + ": the reference is no longer outdated");
                    reference = ort;
                }
                assertClose(name + " J x vs the reference output", y, reference);
            } else {
                assertClose(name + " output of the expanded graph vs the reference", forward.output().toDoubleArray(),
                    expected.toDoubleArray());
            }
        }
    }

    static final Set<String> OUTDATED = Set.of("test_resize_downsample_scales_cubic_align_corners",
        "test_resize_downsample_scales_linear_align_corners");

    static double maxDifference(double[] a, double[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    static void assertClose(String what, double[] actual, double[] expected) {
        assertEquals(expected.length, actual.length, what);
        double scale = 1e-6;
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertTrue(worst <= 1e-5 * scale, what + ": max difference " + worst + " against largest " + scale);
    }
}
