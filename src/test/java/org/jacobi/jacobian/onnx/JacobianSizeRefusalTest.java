package org.jacobi.jacobian.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jacobi.autodiff.TestGraph;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole Jacobian too large to hold is refused from the declared shapes, before any graph work (issue 24). */
class JacobianSizeRefusalTest {
    @TempDir
    Path dir;

    /** A 1x1x256x256 segmentation-like net: x -> Sigmoid(x * w) with the output's shape declared. */
    static Onnx.ModelProto bigOutputNet(TestGraph g) {
        Onnx.ModelProto m = g.build();
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder()
            .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (long d : new long[] {1, 256, 256}) {
            shape.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        Onnx.GraphProto.Builder graph = m.getGraph().toBuilder();
        graph.setOutput(0, graph.getOutput(0).toBuilder().setType(Onnx.TypeProto.newBuilder().setTensorType(
            Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))));
        return m.toBuilder().setGraph(graph).build();
    }

    @Test
    void tooLargeJacobianIsRefusedBeforeTheGraphIsPrepared() throws Exception {
        TestGraph g = new TestGraph(13, 1, 7).dynamicBatch().input("x", 1, 1, 256, 256).fixed("w", 1, 1, 256, 256)
            .node("Mul", List.of("x", "w"), List.of("logit")).node("Sigmoid", List.of("logit"), List.of("mask")).output("mask");
        Path file = dir.resolve("big.onnx");
        Files.write(file, bigOutputNet(g).toByteArray());
        try (OnnxModel model = OnnxModel.load(file, DevicePreference.CPU);
             OnnxGraphPreparer graphs = new OnnxGraphPreparer(model);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(graphs)) {
            JacobiException e = assertThrows(JacobiException.class,
                () -> engine.compute(JacobianRequest.of(g.values()), ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains("4294967296 elements"), e.getMessage());
            assertTrue(graphs.untouched(), "the graph was prepared before the refusal");
        }
    }
}
