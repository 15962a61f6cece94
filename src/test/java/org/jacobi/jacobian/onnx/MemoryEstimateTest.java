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
            long floats = 4L * (4 * 8 * 8) + 4L * 4 * 16 * 16;
            // more than the tangent copies alone: the scatter target and int64 positions
            assertTrue(engine.bytesPerPair(request) > MemoryEstimate.TANGENT_COPIES * floats, "estimate " + engine.bytesPerPair(request));
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
}
