package org.jacobi.gsa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jacobi.core.ElementType;
import org.jacobi.onnx.proto.Onnx;

/** The test functions of global sensitivity analysis, built as ONNX graphs, with their analytic indices. */
public final class GsaGraphs {
    public static final double ISHIGAMI_A = 7;
    public static final double ISHIGAMI_B = 0.1;
    public static final double[] G_A = {0, 1, 4.5, 9, 99, 99, 99, 99};

    private GsaGraphs() {
    }

    /** Ishigami: y = sin x1 + a sin^2 x2 + b x3^4 sin x1, x [batch, 3] -> y [batch, 1] (Sin, Mul, Pow, Add). */
    public static Path ishigami(Path dir) throws IOException {
        List<Onnx.NodeProto> nodes = new ArrayList<>();
        nodes.add(node("Split", List.of("x"), List.of("x1", "x2", "x3"), intAttr("axis", 1)));
        nodes.add(node("Sin", List.of("x1"), List.of("s1")));
        nodes.add(node("Sin", List.of("x2"), List.of("s2")));
        nodes.add(node("Mul", List.of("s2", "s2"), List.of("s2sq")));
        nodes.add(node("Mul", List.of("s2sq", "a"), List.of("t2")));
        nodes.add(node("Pow", List.of("x3", "four"), List.of("x3p4")));
        nodes.add(node("Mul", List.of("x3p4", "b"), List.of("bx3p4")));
        nodes.add(node("Mul", List.of("bx3p4", "s1"), List.of("t3")));
        nodes.add(node("Add", List.of("s1", "t2"), List.of("t12")));
        nodes.add(node("Add", List.of("t12", "t3"), List.of("y")));
        return write(dir, "ishigami", 3, 1, nodes,
            List.of(scalar("a", ISHIGAMI_A), scalar("b", ISHIGAMI_B), scalar("four", 4)), "x1,x2,x3", "y");
    }

    /** Sobol's G-function: y = prod (|4 x_i - 2| + a_i) / (1 + a_i), x [batch, 8] -> y [batch, 1]. */
    public static Path gFunction(Path dir) throws IOException {
        int d = G_A.length;
        float[] a = new float[d];
        float[] inv = new float[d];
        for (int i = 0; i < d; i++) {
            a[i] = (float) G_A[i];
            inv[i] = (float) (1 / (1 + G_A[i]));
        }
        List<Onnx.NodeProto> nodes = new ArrayList<>();
        nodes.add(node("Mul", List.of("x", "four"), List.of("x4")));
        nodes.add(node("Sub", List.of("x4", "two"), List.of("centred")));
        nodes.add(node("Abs", List.of("centred"), List.of("magnitude")));
        nodes.add(node("Add", List.of("magnitude", "a"), List.of("shifted")));
        nodes.add(node("Mul", List.of("shifted", "inv"), List.of("g")));
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            parts.add("g" + i);
        }
        nodes.add(node("Split", List.of("g"), parts, intAttr("axis", 1)));
        String product = "g0";
        for (int i = 1; i < d; i++) {
            String next = i == d - 1 ? "y" : "p" + i;
            nodes.add(node("Mul", List.of(product, "g" + i), List.of(next)));
            product = next;
        }
        return write(dir, "gfunction", d, 1, nodes,
            List.of(scalar("four", 4), scalar("two", 2), vector("a", a), vector("inv", inv)), null, "y");
    }

    /** A linear model y = x W, x [batch, rows(W)] -> y [batch, cols(W)]. */
    public static Path linear(Path dir, double[][] w) throws IOException {
        int in = w.length;
        int out = w[0].length;
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName("W").setDataType(ElementType.FLOAT32.onnxCode())
            .addDims(in).addDims(out);
        for (double[] row : w) {
            for (double v : row) {
                t.addFloatData((float) v);
            }
        }
        List<Onnx.NodeProto> nodes = List.of(node("MatMul", List.of("x", "W"), List.of("y")));
        return write(dir, "linear", in, out, nodes, List.of(t.build()), null, null);
    }

    /** Ishigami's analytic first-order and total indices (Saltelli et al.'s closed forms). */
    public static double[][] ishigamiIndices() {
        double a = ISHIGAMI_A;
        double b = ISHIGAMI_B;
        double pi4 = Math.pow(Math.PI, 4);
        double v1 = 0.5 * Math.pow(1 + b * pi4 / 5, 2);
        double v2 = a * a / 8;
        double v13 = b * b * Math.pow(Math.PI, 8) * (1.0 / 18 - 1.0 / 50);
        double v = v1 + v2 + v13;
        return new double[][] {{v1 / v, v2 / v, 0}, {(v1 + v13) / v, v2 / v, v13 / v}, {v}};
    }

    /** E[(dy/dx_j)^2] of Ishigami on U[-pi, pi]^3. */
    public static double[] ishigamiDgsm() {
        double a = ISHIGAMI_A;
        double b = ISHIGAMI_B;
        double ex4 = Math.pow(Math.PI, 4) / 5;
        double ex6 = Math.pow(Math.PI, 6) / 7;
        double ex8 = Math.pow(Math.PI, 8) / 9;
        return new double[] {0.5 * (1 + 2 * b * ex4 + b * b * ex8), a * a / 2, 16 * b * b * ex6 * 0.5};
    }

    /** G-function: {S1, ST, {V}} in closed form. */
    public static double[][] gIndices() {
        int d = G_A.length;
        double[] vi = new double[d];
        double prod = 1;
        for (int i = 0; i < d; i++) {
            vi[i] = 1 / (3 * (1 + G_A[i]) * (1 + G_A[i]));
            prod *= 1 + vi[i];
        }
        double v = prod - 1;
        double[] s1 = new double[d];
        double[] st = new double[d];
        for (int i = 0; i < d; i++) {
            s1[i] = vi[i] / v;
            st[i] = vi[i] * prod / (1 + vi[i]) / v;
        }
        return new double[][] {s1, st, {v}};
    }

    /** G-function: nu_i = 16 / (1 + a_i)^2 prod_{k != i} E[g_k^2], E[g_k^2] = 1 + 1 / (3 (1 + a_k)^2). */
    public static double[] gDgsm() {
        int d = G_A.length;
        double[] nu = new double[d];
        for (int i = 0; i < d; i++) {
            double p = 16 / ((1 + G_A[i]) * (1 + G_A[i]));
            for (int k = 0; k < d; k++) {
                if (k != i) {
                    p *= 1 + 1 / (3 * (1 + G_A[k]) * (1 + G_A[k]));
                }
            }
            nu[i] = p;
        }
        return nu;
    }

    private static Path write(Path dir, String name, int in, int out, List<Onnx.NodeProto> nodes,
                              List<Onnx.TensorProto> initializers, String inputLabels, String outputLabels)
        throws IOException {
        Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder().setName(name)
            .addInput(value("x", in)).addOutput(value("y", out)).addAllNode(nodes).addAllInitializer(initializers);
        Onnx.ModelProto.Builder model = Onnx.ModelProto.newBuilder().setIrVersion(7).setProducerName("jacobi tests")
            .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(graph);
        if (inputLabels != null) {
            model.addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey("jacobi.labels.x").setValue(inputLabels));
        }
        if (outputLabels != null) {
            model.addMetadataProps(Onnx.StringStringEntryProto.newBuilder().setKey("jacobi.labels.y").setValue(outputLabels));
        }
        Path file = dir.resolve(name + ".onnx");
        Files.write(file, model.build().toByteArray());
        return file;
    }

    private static Onnx.ValueInfoProto value(String name, int width) {
        Onnx.TensorShapeProto shape = Onnx.TensorShapeProto.newBuilder()
            .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
            .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(width)).build();
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
            .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(ElementType.FLOAT32.onnxCode()).setShape(shape))).build();
    }

    private static Onnx.TensorProto scalar(String name, double v) {
        return Onnx.TensorProto.newBuilder().setName(name).setDataType(ElementType.FLOAT32.onnxCode()).addFloatData((float) v).build();
    }

    private static Onnx.TensorProto vector(String name, float[] v) {
        Onnx.TensorProto.Builder b = Onnx.TensorProto.newBuilder().setName(name).setDataType(ElementType.FLOAT32.onnxCode())
            .addDims(v.length);
        for (float f : v) {
            b.addFloatData(f);
        }
        return b.build();
    }

    private static Onnx.NodeProto node(String op, List<String> in, List<String> out, Onnx.AttributeProto... attrs) {
        Onnx.NodeProto.Builder b = Onnx.NodeProto.newBuilder().setOpType(op).setName(op + "_" + out.get(0))
            .addAllInput(in).addAllOutput(out);
        for (Onnx.AttributeProto a : attrs) {
            b.addAttribute(a);
        }
        return b.build();
    }

    private static Onnx.AttributeProto intAttr(String name, long v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v).build();
    }
}
