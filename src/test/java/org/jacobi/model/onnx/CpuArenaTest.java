package org.jacobi.model.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jacobi.autodiff.TestGraph;
import org.jacobi.core.DevicePreference;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONNX Runtime's CPU arena stays on for ordinary models (repeated runs of IG and SmoothGrad reuse its buffers) and is
 * off for a model whose input holds a million elements per sample, where every open session would keep a gigabyte peak.
 */
class CpuArenaTest {
    @TempDir
    Path dir;

    private boolean arenaFor(long... sampleShape) throws IOException {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = 1;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        Path file = new TestGraph(17, 1, 1).dynamicBatch().input("x", shape)
            .node("Relu", List.of("x"), List.of("y")).output("y").write(dir, "relu" + sampleShape.length);
        try (OnnxModel model = OnnxModel.load(file, DevicePreference.CPU)) {
            return model.cpuArena();
        }
    }

    @Test
    void smallInputsKeepTheArena() throws IOException {
        assertTrue(arenaFor(3, 224, 224));
    }

    @Test
    void aMegapixelPhotoInputRunsWithoutIt() throws IOException {
        assertFalse(arenaFor(3, 1024, 1024));
    }

    @Test
    void aPhotoOfAnySizeRunsWithoutIt() throws IOException {
        Onnx.ModelProto proto = new TestGraph(17, 1, 1).dynamicBatch().input("x", 1, 3, 8, 8)
            .node("Relu", List.of("x"), List.of("y")).output("y").build();
        Onnx.GraphProto.Builder g = proto.getGraph().toBuilder();
        Onnx.TensorShapeProto.Builder shape = g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        shape.setDim(2, Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("height"));
        shape.setDim(3, Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("width"));
        Path file = dir.resolve("dynamic_photo.onnx");
        Files.write(file, proto.toBuilder().setGraph(g).build().toByteArray());
        try (OnnxModel model = OnnxModel.load(file, DevicePreference.CPU)) {
            assertFalse(model.cpuArena(), "a [batch, 3, height, width] input may be a megapixel photo");
        }
    }
}
