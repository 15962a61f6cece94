package org.jacobi.jacobian.lowering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jacobi.autodiff.Attr;
import org.jacobi.core.DevicePreference;
import org.jacobi.model.onnx.OrtSessions;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;

class OrtLoweringTest {
    private static Onnx.NodeProto transpose(String in, String out, long... perm) {
        return Onnx.NodeProto.newBuilder().setOpType("Transpose").setName(out).addInput(in).addOutput(out)
            .addAttribute(Attr.ints("perm", perm)).build();
    }

    private static Onnx.NodeProto node(String op, String out, String... in) {
        return Onnx.NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(List.of(in)).addOutput(out).build();
    }

    private static Onnx.ValueInfoProto value(String name, long... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
            .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE)
                .setShape(shape))).build();
    }

    private static Onnx.ModelProto model(List<Onnx.NodeProto> nodes, List<Onnx.ValueInfoProto> inputs, String output) {
        Onnx.GraphProto g = Onnx.GraphProto.newBuilder().setName("g").addAllNode(nodes).addAllInput(inputs)
            .addOutput(Onnx.ValueInfoProto.newBuilder().setName(output).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE))))
            .build();
        return Onnx.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
            .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).build();
    }

    private static long[] perm(Onnx.NodeProto n) {
        return n.getAttribute(0).getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** Attention's scores with a direction axis in front: q [K, B, h, s, d] times k [K, B, s, h, d] moved to [.., d, s]. */
    private static Onnx.ModelProto attentionScores() {
        return model(List.of(transpose("k", "kt", 0, 1, 3, 4, 2), node("MatMul", "scores", "q", "kt")),
            List.of(value("q", 3, 2, 2, 5, 4), value("k", 3, 2, 5, 2, 4)), "scores");
    }

    @Test
    void aTransposeIntoAMatMulBecomesARowCopyAndAFusedMatMulThatReadsItTransposed() {
        Onnx.ModelProto lowered = OrtLowering.lower(attentionScores());
        List<Onnx.NodeProto> nodes = lowered.getGraph().getNodeList();
        assertEquals(2, nodes.size());
        assertEquals("Transpose", nodes.get(0).getOpType());
        assertArrayEquals(new long[] {0, 1, 3, 2, 4}, perm(nodes.get(0)), "the innermost axis stays in place");
        Onnx.NodeProto product = nodes.get(1);
        assertEquals("FusedMatMul", product.getOpType());
        assertEquals(OrtLowering.MICROSOFT, product.getDomain());
        assertEquals(List.of("q", nodes.get(0).getOutput(0)), product.getInputList());
        assertEquals("scores", product.getOutput(0));
        assertEquals(1, lowered.getOpsetImportList().stream().filter(o -> o.getDomain().equals(OrtLowering.MICROSOFT)).count());
    }

    @Test
    void theLoweredGraphComputesTheSameValuesOnOnnxRuntime() throws Exception {
        Onnx.ModelProto swapFirst = model(List.of(transpose("a", "at", 0, 2, 1), node("MatMul", "y", "at", "b")),
            List.of(value("a", 2, 3, 4), value("b", 2, 3, 5)), "y");
        for (Onnx.ModelProto m : List.of(attentionScores(), swapFirst)) {
            Onnx.ModelProto lowered = OrtLowering.lower(m);
            assertEquals("FusedMatMul", lowered.getGraph().getNode(lowered.getGraph().getNodeCount() - 1).getOpType());
            Random random = new Random(3);
            Map<String, float[]> values = new HashMap<>();
            Map<String, long[]> shapes = new HashMap<>();
            for (Onnx.ValueInfoProto in : m.getGraph().getInputList()) {
                long[] shape = in.getType().getTensorType().getShape().getDimList().stream()
                    .mapToLong(Onnx.TensorShapeProto.Dimension::getDimValue).toArray();
                float[] v = new float[(int) Arrays.stream(shape).reduce(1, (x, y) -> x * y)];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) random.nextGaussian();
                }
                values.put(in.getName(), v);
                shapes.put(in.getName(), shape);
            }
            float[] expected = run(m, values, shapes);
            float[] actual = run(lowered, values, shapes);
            assertArrayEquals(expected, actual, 1e-5f);
        }
    }

    private static float[] run(Onnx.ModelProto m, Map<String, float[]> values, Map<String, long[]> shapes) throws Exception {
        OrtEnvironment env = OrtSessions.environment();
        try (OrtSessions.Opened opened = OrtSessions.open(m.toByteArray(), DevicePreference.CPU, "test")) {
            Map<String, OnnxTensor> feeds = new HashMap<>();
            try {
                for (var e : values.entrySet()) {
                    feeds.put(e.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(e.getValue()), shapes.get(e.getKey())));
                }
                try (OrtSession.Result r = opened.session().run(feeds)) {
                    return ((OnnxTensor) r.get(0)).getFloatBuffer().array();
                }
            } finally {
                feeds.values().forEach(OnnxTensor::close);
            }
        }
    }

    @Test
    void otherTransposesStay() {
        // the innermost axis stays in place: nothing for the MatMul to read transposed
        Onnx.ModelProto rows = model(List.of(transpose("a", "b", 0, 2, 1, 3), node("MatMul", "c", "b", "w")),
            List.of(value("a", 1, 2, 3, 4), value("w", 4, 4)), "c");
        assertSame(rows, OrtLowering.lower(rows));
        // read by something other than MatMul
        Onnx.ModelProto relu = model(List.of(transpose("a", "b", 0, 2, 3, 1), node("MatMul", "c", "b", "w"),
            node("Relu", "d", "b"), node("Add", "e", "c", "d")), List.of(value("a", 1, 2, 3, 4), value("w", 4, 4)), "e");
        assertSame(relu, OrtLowering.lower(relu));
        // the transposed value is a graph output
        Onnx.ModelProto output = model(List.of(transpose("a", "b", 0, 2, 1), node("MatMul", "c", "b", "a")),
            List.of(value("a", 2, 3, 3)), "b");
        assertSame(output, OrtLowering.lower(output));
    }
}
