package org.jacobi.jacobian.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.TestGraph;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryEstimateTest {
    @TempDir
    Path dir;

    @Test
    void emittedNamesLeadBackToTheirSourceNode() {
        assertEquals("Conv_3", MemoryEstimate.sourceLabel("vjp/Conv_3/convtranspose"));
        assertEquals("/layer1/pool", MemoryEstimate.sourceLabel("jvp//layer1/pool/gather_2"));
        assertNull(MemoryEstimate.sourceLabel("jacobi/const/ints"));
    }

    private static TestGraph maxPool() {
        return new TestGraph(11, 1, 5).dynamicBatch().input("x", 2, 4, 16, 16)
            .node("MaxPool", List.of("x"), List.of("y"), Attr.ints("kernel_shape", 3, 3), Attr.ints("strides", 2, 2),
                Attr.ints("pads", 1, 1, 1, 1)).output("y");
    }

    @Test
    void theMaxPoolAdjointsWorkspaceIsCounted() throws Exception {
        TestGraph g = maxPool();
        try (OnnxModel model = OnnxModel.load(g.write(dir, "pool"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianRequest request = new JacobianRequest(g.values(), null, null, BatchAxis.AUTO, JacobianMode.REVERSE, 0);
            long largest = 4L * 4 * 16 * 16;
            // more than the live tangents alone: the scatter target and int64 positions
            assertTrue(engine.bytesPerPair(request) > MemoryEstimate.LIVE_TANGENTS * largest, "estimate " + engine.bytesPerPair(request));
        }
    }

    @Test
    void whatCannotFitIsRefusedWithAClearMessage() throws Exception {
        TestGraph g = maxPool();
        try (OnnxModel model = OnnxModel.load(g.write(dir, "pool"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianRequest request = new JacobianRequest(g.values(), null, null, BatchAxis.AUTO, JacobianMode.REVERSE, 1024);
            JacobiException e = assertThrows(JacobiException.class, () -> engine.compute(request, ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains("--max-memory"), e.getMessage());
            // and with room for one pair, it runs
            long perPair = engine.bytesPerPair(request);
            assertEquals(2, engine.compute(request.withMaxMemory(perPair), ProgressMonitor.NONE).jacobian().dim(0));
        }
    }

    /** x [B, 256] -> MatMul with a [256, width] weight -> Tanh -> MatMul with a [width, 4] weight. */
    private static TestGraph mlp(int width) {
        return new TestGraph(13, 1, 7).dynamicBatch().input("x", 2, 256).fixed("w1", 256, width).fixed("w2", width, 4)
            .node("MatMul", List.of("x", "w1"), List.of("h"))
            .node("Tanh", List.of("h"), List.of("t"))
            .node("MatMul", List.of("t", "w2"), List.of("y")).output("y");
    }

    @Test
    void weightsAreNotCountedAsDirectionSizedWorkspace() throws Exception {
        long narrow;
        long wide;
        TestGraph a = mlp(64);
        try (OnnxModel model = OnnxModel.load(a.write(dir, "narrow"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            narrow = engine.bytesPerPair(new JacobianRequest(a.values(), null, null, BatchAxis.AUTO, JacobianMode.REVERSE, 0));
        }
        TestGraph b = mlp(1024);
        try (OnnxModel model = OnnxModel.load(b.write(dir, "wide"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            wide = engine.bytesPerPair(new JacobianRequest(b.values(), null, null, BatchAxis.AUTO, JacobianMode.REVERSE, 0));
        }
        // activations grow 16x with the width (64 -> 1024); the weights 16x too, but they are not per pair
        assertTrue(wide <= 20 * narrow, "narrow " + narrow + ", wide " + wide);
        // its activations are a few 1024-float vectors; its first weight alone has 256 x 1024 floats (1 MiB)
        assertTrue(wide < 128 * 1024, "a pair of the wide MLP should need well under 128 KiB, not " + wide + " bytes");
    }

    /** A branch computing {@code nodes}' last output from values of the enclosing graph. */
    private static Onnx.AttributeProto branch(String name, Onnx.NodeProto... nodes) {
        Onnx.NodeProto last = nodes[nodes.length - 1];
        Onnx.GraphProto g = Onnx.GraphProto.newBuilder().setName(name).addAllNode(List.of(nodes))
            .addOutput(Onnx.ValueInfoProto.newBuilder().setName(last.getOutput(0)).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1)))).build();
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.GRAPH).setG(g).build();
    }

    private static Onnx.NodeProto op(String type, String out, String... in) {
        return Onnx.NodeProto.newBuilder().setOpType(type).setName(out).addAllInput(List.of(in)).addOutput(out).build();
    }

    @Test
    void theValuesInsideIfBranchesAreCounted() throws Exception {
        TestGraph top = mlp(1024);
        TestGraph inIf = new TestGraph(13, 1, 7).dynamicBatch().input("x", 2, 256).fixed("w1", 256, 1024).fixed("w2", 1024, 4)
            .fixed("w3", 256, 4).bools("cond", new boolean[] {true})
            .node("If", List.of("cond"), List.of("y"),
                branch("then_branch", op("MatMul", "h", "x", "w1"), op("Tanh", "t", "h"), op("MatMul", "yt", "t", "w2")),
                branch("else_branch", op("MatMul", "ye", "x", "w3")))
            .output("y");
        long expected;
        try (OnnxModel model = OnnxModel.load(top.write(dir, "top"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            expected = engine.bytesPerPair(new JacobianRequest(top.values(), null, null, BatchAxis.AUTO, JacobianMode.REVERSE, 0));
        }
        try (OnnxModel model = OnnxModel.load(inIf.write(dir, "in_if"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            long estimate = engine.bytesPerPair(new JacobianRequest(inIf.values(), null, null, BatchAxis.AUTO, JacobianMode.REVERSE, 0));
            // the same network inside a branch needs at least as much: its [*, 1024] activations, not only the If's output
            assertTrue(estimate >= expected, "the MLP in an If branch: " + estimate + " bytes a pair, at top level " + expected);
        }
    }
}
