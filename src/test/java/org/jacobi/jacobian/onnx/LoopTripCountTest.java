package org.jacobi.jacobian.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jacobi.autodiff.TensorProtos;
import org.jacobi.core.ElementType;
import org.jacobi.core.NotDifferentiableException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.core.DevicePreference;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Loop's trip count learnt from values: from a small integer input, the unrolled graph follows each request's value
 * (prepared graphs are cached per that value, not only per shapes); from a float input's values, which may differ
 * between the probe's samples and the others, the loop is refused instead of unrolled with the probe's count.
 * The loop computes {@code h <- 1.5 h}, so {@code y = 1.5^M x} and {@code dy/dx = 1.5^M I}.
 */
class LoopTripCountTest {
    @TempDir
    Path dir;

    private static Onnx.ValueInfoProto value(String name, int type, Long... dims) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        for (Long d : dims) {
            shape.addDim(d == null ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                : Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
            .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
    }

    private static Onnx.NodeProto node(String op, List<String> in, String out, Onnx.AttributeProto... attributes) {
        return Onnx.NodeProto.newBuilder().setOpType(op).setName(out).addAllInput(in).addOutput(out)
            .addAllAttribute(List.of(attributes)).build();
    }

    /** x [batch, 3] -> y = Loop(M) { h <- 1.5 h } (x); M from {@code tripCount}'s nodes. */
    private Path model(String name, List<Onnx.ValueInfoProto> extraInputs, List<Onnx.NodeProto> tripCount) throws IOException {
        return model(name, extraInputs, tripCount, "");
    }

    /** As above, with the Loop's condition {@code cond} ("" for none) made by {@code tripCount}'s nodes too. */
    private Path model(String name, List<Onnx.ValueInfoProto> extraInputs, List<Onnx.NodeProto> tripCount, String cond)
        throws IOException {
        int f = ElementType.FLOAT32.onnxCode();
        Onnx.GraphProto body = Onnx.GraphProto.newBuilder().setName("body")
            .addInput(value("i", 7)).addInput(value("cond", 9)).addInput(value("h", f))
            .addInitializer(TensorProtos.floats("rate", f, new double[] {1.5}))
            .addNode(node("Identity", List.of("cond"), "cond_out"))
            .addNode(node("Mul", List.of("h", "rate"), "h_out"))
            .addOutput(value("cond_out", 9)).addOutput(value("h_out", f)).build();
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName(name)
            .addInput(value("x", f, null, 3L)).addAllInput(extraInputs).addAllNode(tripCount)
            .addNode(Onnx.NodeProto.newBuilder().setOpType("Loop").setName("grow").addInput("M").addInput(cond).addInput("x")
                .addOutput("y").addAttribute(Onnx.AttributeProto.newBuilder().setName("body")
                    .setType(Onnx.AttributeProto.AttributeType.GRAPH).setG(body)))
            .addOutput(value("y", f, null, 3L));
        Path file = dir.resolve(name + ".onnx");
        Files.write(file, Onnx.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
            .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).build().toByteArray());
        return file;
    }

    private static final Tensor X = Tensor.ofFloats(new float[] {0.5f, -1f, 2f, 1f, 3f, -0.25f}, 2, 3);

    private static Onnx.AttributeProto intAttribute(String name, long value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(value).build();
    }

    /** A Constant node: the int64 scalar {@code value} named {@code name}. */
    private static Onnx.NodeProto constant(String name, long value) {
        return Onnx.NodeProto.newBuilder().setOpType("Constant").setName(name).addOutput(name).addAttribute(
            Onnx.AttributeProto.newBuilder().setName("value").setType(Onnx.AttributeProto.AttributeType.TENSOR)
                .setT(TensorProtos.ints(name, new long[] {value}))).build();
    }

    /** The reverse-mode Jacobian of {@code file} at {@code x} is refused in one line naming the Loop and its trip count. */
    private static void assertRefused(Path file, Tensor x) {
        try (OnnxModel model = OnnxModel.load(file, DevicePreference.CPU); OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            NotDifferentiableException e = assertThrows(NotDifferentiableException.class, () -> engine.compute(
                new JacobianRequest(Map.of("x", x), "x", "y", BatchAxis.AUTO, JacobianMode.REVERSE, 0), ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains("Loop node 'grow'") && e.getMessage().contains("trip count"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void aSmallIntegerInputSetsTheTripCountOfEachRequest() throws IOException {
        Path file = model("steps", List.of(value("steps", 7)), List.of(node("Identity", List.of("steps"), "M")));
        try (OnnxModel model = OnnxModel.load(file, DevicePreference.CPU); OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            for (long steps : new long[] {2, 5, 2}) {
                Tensor m = Tensor.ofLongs(new long[] {steps}); // a scalar, as the model declares it
                for (JacobianMode mode : new JacobianMode[] {JacobianMode.FORWARD, JacobianMode.REVERSE}) {
                    JacobianResult r = engine.compute(new JacobianRequest(Map.of("x", X, "steps", m), "x", "y",
                        BatchAxis.AUTO, mode, 0), ProgressMonitor.NONE);
                    assertTrue(r.exact(), r.methodLabel());
                    double expected = Math.pow(1.5, steps);
                    for (int s = 0; s < 2; s++) {
                        double[] j = r.sampleMatrix(s);
                        for (int o = 0; o < 3; o++) {
                            for (int i = 0; i < 3; i++) {
                                assertEquals(o == i ? expected : 0, j[o * 3 + i], 1e-5 * expected,
                                    "steps " + steps + " " + mode + " sample " + s + " d y" + o + "/d x" + i);
                            }
                        }
                    }
                }
            }
        }
    }

    /** A loop over the samples of the batch (as detectors' per-image post-processing): its count is the batch size. */
    @Test
    void aTripCountThatIsTheBatchSizeIsRefused() throws IOException {
        Path file = model("per_image", List.of(), List.of(node("Shape", List.of("x"), "shape"), constant("zero", 0),
            node("Gather", List.of("shape", "zero"), "M", intAttribute("axis", 0))));
        assertRefused(file, Tensor.ofFloats(new float[15], 5, 3));
    }

    /** Shape(x)[k] with a constant k past the batch axis is a size the cache is keyed on: unrolled, exact. */
    @Test
    void aTripCountFromANonBatchAxisIsUnrolled() throws IOException {
        Path file = model("per_feature", List.of(), List.of(node("Shape", List.of("x"), "shape"), constant("one", 1),
            node("Gather", List.of("shape", "one"), "M", intAttribute("axis", 0))));
        try (OnnxModel model = OnnxModel.load(file, DevicePreference.CPU); OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianResult r = engine.compute(new JacobianRequest(Map.of("x", X), "x", "y", BatchAxis.AUTO, JacobianMode.REVERSE, 0),
                ProgressMonitor.NONE);
            assertTrue(r.exact(), r.methodLabel());
            assertEquals(Math.pow(1.5, 3), r.sampleMatrix(1)[4], 1e-5 * Math.pow(1.5, 3), "d y1/d x1 = 1.5^3");
        }
    }

    /** Arithmetic on the batch size (Shape(x)[0] - 1) gives 1 at the probe's two samples: refused, not unrolled once. */
    @Test
    void aTripCountComputedFromTheBatchSizeIsRefused() throws IOException {
        Path file = model("batch_minus_one", List.of(), List.of(node("Shape", List.of("x"), "shape"), constant("zero", 0),
            constant("one", 1), node("Gather", List.of("shape", "zero"), "batch", intAttribute("axis", 0)),
            node("Sub", List.of("batch", "one"), "M")));
        assertRefused(file, X);
    }

    /** A condition on the batch size (batch > 1) holds at the probe's two samples and not for one: refused. */
    @Test
    void aConditionOnTheBatchSizeIsRefused() throws IOException {
        Path file = model("batch_condition", List.of(), List.of(constant("M", 3), node("Shape", List.of("x"), "shape"),
            constant("zero", 0), constant("one", 1), node("Gather", List.of("shape", "zero"), "batch", intAttribute("axis", 0)),
            node("Greater", List.of("batch", "one"), "several")), "several");
        assertRefused(file, X);
    }

    @Test
    void aTripCountFollowingAFloatInputsValuesIsRefused() throws IOException {
        Path file = model("from_values", List.of(), List.of(node("ReduceMax", List.of("x"), "largest", intAttribute("keepdims", 0)),
            node("Cast", List.of("largest"), "M", intAttribute("to", 7))));
        assertRefused(file, X);
    }
}
