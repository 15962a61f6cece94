package org.jacobi.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jacobi.TestFiles;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.NotDifferentiableException;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.onnx.OnnxJacobianEngine;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ONNX backend node tests of the operators added for issue 11 (models we did not write, copied from
 * Debian's libonnx-testdata by {@code scripts/copy_onnx_backend_tests.sh}): the model reproduces the test's
 * expected output, and for every float input and output, forward mode matches central differences, reverse
 * mode matches forward mode and passes the dot-product test ({@link OperatorTableTest#check}). Models older
 * than opset 11 (the oldest Jacobi differentiates) are read at opset 11, where their operators are unchanged;
 * the output check proves it for the test's data.
 */
class ExportOperatorsBackendTest {
    /** Tests whose data sits exactly on a point where the derivative does not exist. */
    private static final Map<String, String> AT_A_KINK = Map.of(
        "test_thresholdedrelu_example", "an input equals alpha, where the output jumps",
        "test_acosh_example", "an input is 1, where the derivative is infinite",
        "test_reduce_min_default_axes_keepdims_example", "the minimum is a three-way tie (central differences give 1/2, "
            + "the rule shares 1/3 each)");
    /** Tests of cases the rules refuse, with the message's gist. */
    private static final Map<String, String> REFUSED = Map.of("test_scatternd_multiply", "reduction 'mul' with a repeated index is not supported");

    @TempDir
    Path dir;

    static Stream<String> tests() throws IOException {
        return Files.readAllLines(TestFiles.resource("onnx-backend/index.txt"), StandardCharsets.UTF_8).stream()
            .filter(s -> !s.isBlank() && !AT_A_KINK.containsKey(s));
    }

    /** Random data of the asin, acos, atanh and tan tests comes close to their singularities: smaller steps. */
    @BeforeAll
    static void smallerSteps() {
        OperatorTableTest.float32Step = 1e-3;
    }

    @AfterAll
    static void usualSteps() {
        OperatorTableTest.float32Step = 1e-2;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tests")
    void derivativesAreRight(String test) throws Exception {
        Path base = TestFiles.resource("onnx-backend/" + test);
        Onnx.ModelProto proto = Onnx.ModelProto.parseFrom(Files.readAllBytes(base.resolve("model.onnx")));
        int opset = Differentiator.opset(proto);
        if (opset < 11) {
            proto = proto.toBuilder().setIrVersion(Math.max(proto.getIrVersion(), 6)).clearOpsetImport()
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(11)).build();
            opset = 11;
        }
        Path file = Files.write(dir.resolve(test + ".onnx"), proto.toByteArray());
        Onnx.GraphProto graph = proto.getGraph();
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (int i = 0; i < graph.getInputCount(); i++) {
            inputs.put(graph.getInput(i).getName(), read(base.resolve("test_data_set_0/input_" + i + ".pb")));
        }
        String of = graph.getOutput(0).getName();
        Tensor expected = read(base.resolve("test_data_set_0/output_0.pb"));
        try (OnnxModel model = OnnxModel.load(file, DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            Tensor actual = model.run(inputs, Set.of(of)).get(of);
            assertEquals(List.of(Tensor.shapeToString(expected.shape())), List.of(Tensor.shapeToString(actual.shape())));
            OperatorTableTest.assertClose(test + " output", actual.toDoubleArray(), expected.toDoubleArray(), 1e-4 * scale(expected));
            int checked = 0;
            for (Map.Entry<String, Tensor> in : inputs.entrySet()) {
                if (in.getValue().type().isFloatingPoint() && expected.type().isFloatingPoint()) {
                    int type = in.getValue().type().onnxCode();
                    OperatorTableTest.Row row = new OperatorTableTest.Row(test, "", opset, type,
                        type == OperatorTableTest.F64 ? 1e-5 : 3e-3, g -> { });
                    if (REFUSED.containsKey(test)) {
                        NotDifferentiableException e = assertThrows(NotDifferentiableException.class,
                            () -> OperatorTableTest.check(row, model, engine, inputs, in.getKey(), of));
                        assertTrue(e.getMessage().contains(REFUSED.get(test)), e.getMessage());
                    } else {
                        OperatorTableTest.check(row, model, engine, inputs, in.getKey(), of);
                    }
                    checked++;
                }
            }
            assertTrue(checked > 0, test + " has no float input to differentiate");
        }
    }

    private static double scale(Tensor t) {
        double s = 1;
        for (double v : t.toDoubleArray()) {
            s = Math.max(s, Math.abs(v));
        }
        return s;
    }

    /** A TensorProto file of the backend tests as a Tensor (float, double, int64, int32, bool). */
    static Tensor read(Path pb) throws IOException {
        Onnx.TensorProto t = Onnx.TensorProto.parseFrom(Files.readAllBytes(pb));
        long[] shape = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        int n = Math.toIntExact(Tensor.elementCount(shape));
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        boolean hasRaw = !t.getRawData().isEmpty();
        switch (t.getDataType()) {
            case 1 -> {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = hasRaw ? raw.getFloat() : t.getFloatData(i);
                }
                return Tensor.ofFloats(v, shape);
            }
            case 11 -> {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = hasRaw ? raw.getDouble() : t.getDoubleData(i);
                }
                return Tensor.ofDoubles(v, shape);
            }
            case 7 -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = hasRaw ? raw.getLong() : t.getInt64Data(i);
                }
                return Tensor.ofLongs(v, shape);
            }
            case 6 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = hasRaw ? raw.getInt() : t.getInt32Data(i);
                }
                return Tensor.ofInts(v, shape);
            }
            case 9 -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = hasRaw ? raw.get() != 0 : t.getInt32Data(i) != 0;
                }
                return Tensor.ofBooleans(v, shape);
            }
            default -> throw new IllegalArgumentException(pb + ": element type " + t.getDataType());
        }
    }
}
