package org.jacobi.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ElementType;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.onnx.OnnxJacobianEngine;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Edge cases of the ONNX backend test models: zero-sized tensors, mixed float types. */
class EdgeCaseTest {
    @TempDir
    Path dir;

    private JacobianResult jacobian(Onnx.ModelProto proto, Map<String, Tensor> inputs, String wrt, String of, BatchAxis axis,
                                    JacobianMode mode) throws Exception {
        Path file = dir.resolve("m" + System.nanoTime() + ".onnx");
        Files.write(file, proto.toByteArray());
        try (OnnxModel model = OnnxModel.load(file, DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            return engine.compute(new JacobianRequest(inputs, wrt, of, axis, mode, 0), ProgressMonitor.NONE);
        }
    }

    /** The graph with output {@code i} declared as element type {@code type}. */
    private static Onnx.ModelProto withOutputType(Onnx.ModelProto m, int i, int type) {
        Onnx.GraphProto.Builder g = m.getGraph().toBuilder();
        g.setOutput(i, g.getOutput(i).toBuilder().setType(Onnx.TypeProto.newBuilder()
            .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(type))));
        return m.toBuilder().setGraph(g).build();
    }

    private void castBothWays(int from, int to) throws Exception {
        TestGraph g = new TestGraph(13, from, 3).input("x", 2, 3)
            .node("Cast", List.of("x"), List.of("c"), Attr.i("to", to)).node("Tanh", List.of("c"), List.of("y")).output("y");
        Onnx.ModelProto m = withOutputType(g.build(), 0, to);
        double[] x = g.values().get("x").toDoubleArray();
        for (JacobianMode mode : List.of(JacobianMode.FORWARD, JacobianMode.REVERSE)) {
            double[] j = jacobian(m, g.values(), "x", "y", BatchAxis.NONE, mode).jacobian().toDoubleArray();
            for (int o = 0; o < 6; o++) {
                for (int i = 0; i < 6; i++) {
                    double t = Math.tanh(x[i]);
                    assertEquals(o == i ? 1 - t * t : 0, j[o * 6 + i], 1e-6, mode + " J[" + o + "," + i + "]");
                }
            }
        }
    }

    /** Tied maxima in tiling windows: the derivative goes to the first in row-major order, as MaxPool's Indices say. */
    @Test
    void maxPoolTiesGoToTheFirstMaximumOfTheWindow() throws Exception {
        TestGraph g = new TestGraph(13, 1, 3).input("x", 1, 1, 4, 6)
            .node("MaxPool", List.of("x"), List.of("y"), Attr.ints("kernel_shape", 2, 3), Attr.ints("strides", 2, 3)).output("y");
        double[] x = new double[24];
        Arrays.fill(x, 0, 24, 0.0);
        // window (0,0): rows 0-1, cols 0-2, all 1 -> first is (0,0)
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 3; c++) {
                x[r * 6 + c] = 1;
            }
        }
        x[5] = 2; // window (0,1): 2 at (0,5) and (1,3); (0,5) comes first in row-major window order
        x[9] = 2;
        x[2 * 6 + 1] = 3; // window (1,0): a single maximum at (2,1)
        // window (1,1): all 0 -> first is (2,3)
        Map<String, Tensor> inputs = Map.of("x", Tensor.ofDoubles(x, 1, 1, 4, 6).asType(ElementType.FLOAT32));
        int[] first = {0, 5, 13, 15};
        for (JacobianMode mode : List.of(JacobianMode.FORWARD, JacobianMode.REVERSE)) {
            double[] j = jacobian(g.build(), inputs, "x", "y", BatchAxis.NONE, mode).jacobian().toDoubleArray();
            for (int o = 0; o < 4; o++) {
                for (int i = 0; i < 24; i++) {
                    assertEquals(i == first[o] ? 1.0 : 0.0, j[o * 24 + i], mode + ": output " + o + ", input " + i);
                }
            }
        }
    }

    @Test
    void castFromFloat64ToFloat32() throws Exception {
        castBothWays(11, 1);
    }

    @Test
    void castFromFloat32ToFloat64() throws Exception {
        castBothWays(1, 11);
    }

    @Test
    void zeroSizedInputGivesAnEmptyJacobianOfTheRightShape() throws Exception {
        TestGraph g = new TestGraph(13, 1, 1).input("x", 2, 0).node("Tanh", List.of("x"), List.of("y")).output("y");
        for (JacobianMode mode : List.of(JacobianMode.AUTO, JacobianMode.FORWARD, JacobianMode.REVERSE)) {
            JacobianResult r = jacobian(g.build(), g.values(), "x", "y", BatchAxis.NONE, mode);
            assertArrayEquals(new long[] {2, 0, 2, 0}, r.jacobian().shape());
        }
    }

    @Test
    void noSamplesGiveAnEmptyJacobian() throws Exception {
        TestGraph g = new TestGraph(13, 1, 1).dynamicBatch().input("x", 0, 3).node("Tanh", List.of("x"), List.of("y")).output("y");
        JacobianResult r = jacobian(g.build(), g.values(), "x", "y", BatchAxis.ZERO, JacobianMode.AUTO);
        assertArrayEquals(new long[] {0, 3, 3}, r.jacobian().shape());
    }

    @Test
    void sliceWithStartsOutOfBoundsGivesAnEmptyOutput() throws Exception {
        TestGraph g = new TestGraph(13, 1, 1).input("x", 3, 4).ints("starts", 10).ints("ends", 1000).ints("axes", 1)
            .node("Slice", List.of("x", "starts", "ends", "axes"), List.of("y")).output("y");
        assertArrayEquals(new long[] {3, 0, 3, 4}, jacobian(g.build(), g.values(), "x", "y", BatchAxis.NONE, JacobianMode.REVERSE)
            .jacobian().shape());
    }

    @Test
    void sliceWithEndsOutOfBoundsIsExact() throws Exception {
        TestGraph g = new TestGraph(13, 1, 1).input("x", 3, 4).ints("starts", 1).ints("ends", 1000).ints("axes", 1)
            .node("Slice", List.of("x", "starts", "ends", "axes"), List.of("y")).output("y");
        for (JacobianMode mode : List.of(JacobianMode.FORWARD, JacobianMode.REVERSE)) {
            Tensor j = jacobian(g.build(), g.values(), "x", "y", BatchAxis.NONE, mode).jacobian();
            assertArrayEquals(new long[] {3, 3, 3, 4}, j.shape());
            double[] v = j.toDoubleArray();
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    // y[r, c] = x[r, c + 1]
                    assertEquals(1.0, v[((r * 3 + c) * 3 + r) * 4 + c + 1], mode.toString());
                }
            }
            double sum = 0;
            for (double e : v) {
                sum += e;
            }
            assertEquals(9.0, sum, mode.toString());
        }
    }

    @Test
    void reshapeAllowZeroOfAnEmptyTensor() throws Exception {
        TestGraph g = new TestGraph(14, 1, 1).input("x", 0, 3, 4).ints("shape", 3, 4, 0)
            .node("Reshape", List.of("x", "shape"), List.of("y"), Attr.i("allowzero", 1)).output("y");
        assertArrayEquals(new long[] {3, 4, 0, 0, 3, 4},
            jacobian(g.build(), g.values(), "x", "y", BatchAxis.NONE, JacobianMode.AUTO).jacobian().shape());
    }

    @Test
    void float64ModelInFloat32Seeds() throws Exception {
        // the seed and the result have the input's type even when the output is another float type
        TestGraph g = new TestGraph(13, 1, 2).input("x", 4).node("Cast", List.of("x"), List.of("y"), Attr.i("to", 11)).output("y");
        Onnx.ModelProto m = withOutputType(g.build(), 0, 11);
        Tensor j = jacobian(m, g.values(), "x", "y", BatchAxis.NONE, JacobianMode.REVERSE).jacobian();
        assertEquals(ElementType.FLOAT32, j.type());
        assertEquals(4.0, Arrays.stream(j.toDoubleArray()).sum(), 1e-12);
    }
}
