package org.jacobi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.math3.special.Erf;
import org.jacobi.core.ElementType;
import org.jacobi.onnx.proto.Onnx;

/**
 * A model whose one operator has no derivative rule, for the tests of the finite-difference fallback: ONNX
 * Runtime's contrib operator {@code com.microsoft.Gelu} (rules cover the default domain only, so this stays
 * rule-less however many standard operators gain rules). x [batch, width] -> y = x Phi(x).
 */
public final class RulelessModel {
    public static final String OPERATOR = "Gelu";

    private RulelessModel() {
    }

    public static Path write(Path dir, int width) throws IOException {
        Onnx.TypeProto type = Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
            .setElemType(ElementType.FLOAT32.onnxCode()).setShape(Onnx.TensorShapeProto.newBuilder()
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(width)))).build();
        Onnx.GraphProto graph = Onnx.GraphProto.newBuilder().setName("ruleless")
            .addNode(Onnx.NodeProto.newBuilder().setOpType(OPERATOR).setDomain("com.microsoft").setName("gelu_node")
                .addInput("x").addOutput("y"))
            .addInput(Onnx.ValueInfoProto.newBuilder().setName("x").setType(type))
            .addOutput(Onnx.ValueInfoProto.newBuilder().setName("y").setType(type)).build();
        Path file = dir.resolve("ruleless.onnx");
        Files.write(file, Onnx.ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
            .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(17))
            .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1)).build().toByteArray());
        return file;
    }

    /** y(x). */
    public static double value(double x) {
        return x * 0.5 * (1 + Erf.erf(x / Math.sqrt(2)));
    }

    /** dy/dx = Phi(x) + x phi(x). */
    public static double derivative(double x) {
        return 0.5 * (1 + Erf.erf(x / Math.sqrt(2))) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
    }

    /** The x > 0 with y(x) = y, for y > 0 (y is increasing there). */
    public static double inverse(double y) {
        double lo = 0;
        double hi = Math.max(1, 2 * y + 1);
        for (int i = 0; i < 200; i++) {
            double mid = (lo + hi) / 2;
            if (value(mid) < y) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }
}
