package org.jacobi.autodiff.expand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.TestGraph;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.NotDifferentiableException;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.onnx.OnnxJacobianEngine;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpsetNormalizerTest {
    @TempDir
    Path dir;

    private static Onnx.ModelProto squeezeModel(int opset) {
        return new TestGraph(opset, 1, 1).input("x", 3, 1, 4)
            .node("Squeeze", List.of("x"), List.of("y"), Attr.ints("axes", 1)).output("y").build();
    }

    @Test
    void olderModelsImportTheTargetOpsetAndKeepOtherDomains() {
        Onnx.ModelProto m = squeezeModel(9).toBuilder().setIrVersion(4)
            .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("ai.onnx.ml").setVersion(1)).build();
        Onnx.ModelProto n = OpsetNormalizer.normalize(m);
        assertEquals(OpsetNormalizer.TARGET, OpsetNormalizer.defaultOpset(n));
        assertTrue(n.getOpsetImportList().stream().anyMatch(o -> o.getDomain().equals("ai.onnx.ml") && o.getVersion() == 1));
        assertTrue(n.getIrVersion() >= 8);
        Onnx.NodeProto squeeze = n.getGraph().getNode(0);
        assertEquals(0, squeeze.getAttributeCount(), "axes moved to an input");
        assertEquals(2, squeeze.getInputCount());
    }

    @Test
    void currentModelsAreLeftAlone() {
        Onnx.ModelProto m = new TestGraph(18, 1, 1).input("x", 3).node("Tanh", List.of("x"), List.of("y")).output("y").build();
        assertSame(m, OpsetNormalizer.normalize(m));
    }

    @Test
    void opsetsBeforeSevenAreRefusedWithAClearMessage() {
        NotDifferentiableException e = assertThrows(NotDifferentiableException.class, () -> OpsetNormalizer.normalize(squeezeModel(6)));
        assertTrue(e.getMessage().contains("opset 6") && e.getMessage().contains("newer opset"), e.getMessage());
    }

    @Test
    void theMaxPoolAdjointOfAnOldOpsetIsLinearInSize() throws Exception {
        // overlapping windows: before, opsets under 16 built a one-hot matrix [out, in] (Equal, Range, MatMul)
        TestGraph g = new TestGraph(11, 1, 1).input("x", 1, 2, 12, 12)
            .node("MaxPool", List.of("x"), List.of("y"), Attr.ints("kernel_shape", 3, 3), Attr.ints("strides", 2, 2)).output("y");
        Path file = g.write(dir, "pool");
        try (OnnxModel model = OnnxModel.load(file, DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            Onnx.ModelProto d = engine.differentiatedGraph(new JacobianRequest(g.values(), null, null, BatchAxis.NONE,
                JacobianMode.REVERSE, 0));
            Set<String> ops = d.getGraph().getNodeList().stream().map(Onnx.NodeProto::getOpType).collect(Collectors.toSet());
            assertTrue(ops.contains("ScatterElements"), ops.toString());
            assertFalse(ops.contains("MatMul"), ops.toString());
            assertEquals(OpsetNormalizer.TARGET, OpsetNormalizer.defaultOpset(d));
        }
        assertTrue(Files.exists(file));
    }
}
