package org.jacobi.optim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jacobi.core.ElementType;
import org.jacobi.onnx.proto.Onnx;

/** Tiny ONNX graphs built in tests with the protobuf classes. */
final class OnnxGraphs {
    private OnnxGraphs() {
    }

    /** Rosenbrock's residuals as ONNX ops: x [batch, 2] -> y = [10 (x2 - x1^2), 1 - x1] [batch, 2]. */
    static Path rosenbrock(Path dir) throws IOException {
        Onnx.GraphProto graph = Onnx.GraphProto.newBuilder()
            .setName("rosenbrock")
            .addInput(value("x", 2))
            .addOutput(value("y", 2))
            .addInitializer(scalar("ten", 10f))
            .addInitializer(scalar("one", 1f))
            .addNode(node("Split", new String[] {"x"}, new String[] {"x1", "x2"}).addAttribute(intAttribute("axis", 1)))
            .addNode(node("Mul", new String[] {"x1", "x1"}, new String[] {"x1_squared"}))
            .addNode(node("Sub", new String[] {"x2", "x1_squared"}, new String[] {"valley"}))
            .addNode(node("Mul", new String[] {"valley", "ten"}, new String[] {"r1"}))
            .addNode(node("Sub", new String[] {"one", "x1"}, new String[] {"r2"}))
            .addNode(node("Concat", new String[] {"r1", "r2"}, new String[] {"y"}).addAttribute(intAttribute("axis", 1)))
            .build();
        Onnx.ModelProto model = Onnx.ModelProto.newBuilder()
            .setIrVersion(7)
            .setProducerName("jacobi tests")
            .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
            .setGraph(graph)
            .build();
        Path file = dir.resolve("rosenbrock.onnx");
        Files.write(file, model.toByteArray());
        return file;
    }

    /** One elementwise operator: x [batch, width] -> y = op(x). */
    static Path elementwise(Path dir, String op, int width) throws IOException {
        Onnx.GraphProto graph = Onnx.GraphProto.newBuilder()
            .setName(op.toLowerCase(Locale.ROOT))
            .addInput(value("x", width))
            .addOutput(value("y", width))
            .addNode(node(op, new String[] {"x"}, new String[] {"y"}))
            .build();
        Onnx.ModelProto model = Onnx.ModelProto.newBuilder()
            .setIrVersion(7)
            .setProducerName("jacobi tests")
            .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
            .setGraph(graph)
            .build();
        Path file = dir.resolve(op.toLowerCase(Locale.ROOT) + ".onnx");
        Files.write(file, model.toByteArray());
        return file;
    }

    private static Onnx.ValueInfoProto value(String name, int width) {
        Onnx.TensorShapeProto shape = Onnx.TensorShapeProto.newBuilder()
            .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
            .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(width))
            .build();
        return Onnx.ValueInfoProto.newBuilder().setName(name)
            .setType(Onnx.TypeProto.newBuilder().setTensorType(
                Onnx.TypeProto.Tensor.newBuilder().setElemType(ElementType.FLOAT32.onnxCode()).setShape(shape)))
            .build();
    }

    private static Onnx.TensorProto scalar(String name, float v) {
        return Onnx.TensorProto.newBuilder().setName(name).setDataType(ElementType.FLOAT32.onnxCode()).addFloatData(v).build();
    }

    private static Onnx.NodeProto.Builder node(String op, String[] inputs, String[] outputs) {
        Onnx.NodeProto.Builder b = Onnx.NodeProto.newBuilder().setOpType(op).setName(op + "_" + outputs[0]);
        for (String i : inputs) {
            b.addInput(i);
        }
        for (String o : outputs) {
            b.addOutput(o);
        }
        return b;
    }

    private static Onnx.AttributeProto intAttribute(String name, long v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v).build();
    }
}
