package org.jacobi.compare;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jacobi.onnx.proto.Onnx;

/** Copies of ONNX test models with one thing changed, made inside the tests. */
public final class EditedModels {
    private EditedModels() {
    }

    /** A copy of {@code source} with row {@code row} of the 2-D float initializer {@code name} multiplied by {@code factor}. */
    public static Path scaleInitializerRow(Path source, String name, int row, float factor, Path target) throws IOException {
        Onnx.ModelProto model = Onnx.ModelProto.parseFrom(Files.readAllBytes(source));
        Onnx.GraphProto.Builder graph = model.getGraph().toBuilder();
        boolean found = false;
        for (int k = 0; k < graph.getInitializerCount(); k++) {
            Onnx.TensorProto init = graph.getInitializer(k);
            if (!init.getName().equals(name)) {
                continue;
            }
            int cols = (int) init.getDims(1);
            ByteBuffer buf = ByteBuffer.wrap(init.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
            for (int c = 0; c < cols; c++) {
                int at = (row * cols + c) * Float.BYTES;
                buf.putFloat(at, buf.getFloat(at) * factor);
            }
            graph.setInitializer(k, init.toBuilder().setRawData(ByteString.copyFrom(buf.array())));
            found = true;
        }
        if (!found) {
            throw new IllegalArgumentException("no initializer " + name);
        }
        Files.write(target, model.toBuilder().setGraph(graph).build().toByteArray());
        return target;
    }

    /** A copy of {@code source} whose graph input {@code from} is called {@code to}. */
    public static Path renameInput(Path source, String from, String to, Path target) throws IOException {
        Onnx.ModelProto model = Onnx.ModelProto.parseFrom(Files.readAllBytes(source));
        Onnx.GraphProto.Builder graph = model.getGraph().toBuilder();
        for (int k = 0; k < graph.getInputCount(); k++) {
            if (graph.getInput(k).getName().equals(from)) {
                graph.setInput(k, graph.getInput(k).toBuilder().setName(to));
            }
        }
        for (Onnx.NodeProto.Builder node : graph.getNodeBuilderList()) {
            for (int i = 0; i < node.getInputCount(); i++) {
                if (node.getInput(i).equals(from)) {
                    node.setInput(i, to);
                }
            }
        }
        Files.write(target, model.toBuilder().setGraph(graph).build().toByteArray());
        return target;
    }
}
