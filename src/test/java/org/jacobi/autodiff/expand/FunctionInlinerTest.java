package org.jacobi.autodiff.expand;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jacobi.TestFiles;
import org.jacobi.autodiff.Attr;
import org.jacobi.autodiff.OperatorTableTestAccess;
import org.jacobi.autodiff.RuleRegistry;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.onnx.OnnxJacobianEngine;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionInlinerTest {
    @TempDir
    Path dir;

    private static double[] jacobian(OnnxJacobianEngine engine, Map<String, Tensor> inputs, String wrt, String of,
                                     BatchAxis batch, JacobianMode mode) {
        return engine.compute(new JacobianRequest(inputs, wrt, of, batch, mode, 0), ProgressMonitor.NONE).jacobian().toDoubleArray();
    }

    private static void assertClose(double[] expected, double[] actual, double relTol, String what) {
        assertEquals(expected.length, actual.length, what + ": sizes");
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= relTol * Math.max(scale, 1e-30), what + ": max error " + worst + " of largest entry " + scale);
    }

    /** torch.onnx.export with export_modules_as_functions: nested model-local functions, against PyTorch float64. */
    @Test
    void torchLocalFunctionsAreExpandedAndExact() throws Exception {
        Path file = TestFiles.resource("functions/local_functions.onnx");
        try (OnnxModel model = OnnxModel.load(file, DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            Onnx.ModelProto inlined = FunctionInliner.inline(model.proto(), RuleRegistry.standard());
            assertTrue(model.proto().getGraph().getNodeList().stream().anyMatch(n -> n.getDomain().equals("__main__")));
            assertTrue(inlined.getGraph().getNodeList().stream().allMatch(n -> n.getDomain().isEmpty()),
                "every call is expanded");
            Map<String, Tensor> inputs = Map.of("x", Npy.read(TestFiles.resource("functions/local_functions.input.npy")));
            double[] reference = Npy.read(TestFiles.resource("functions/local_functions.jacobian.npy")).toDoubleArray();
            for (JacobianMode mode : List.of(JacobianMode.FORWARD, JacobianMode.REVERSE)) {
                assertClose(reference, jacobian(engine, inputs, "x", "y", BatchAxis.AUTO, mode), 1e-5, mode.label());
            }
        }
    }

    private static Onnx.ValueInfoProto value(String name, long... dims) {
        Onnx.TensorShapeProto.Builder s = Onnx.TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
            .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    private static Onnx.AttributeProto ref(String name, String refName, Onnx.AttributeProto.AttributeType type) {
        return Onnx.AttributeProto.newBuilder().setName(name).setRefAttrName(refName).setType(type).build();
    }

    private static Onnx.NodeProto node(String op, String domain, List<String> in, List<String> out, Onnx.AttributeProto... attrs) {
        Onnx.NodeProto.Builder b = Onnx.NodeProto.newBuilder().setOpType(op).setDomain(domain).addAllInput(in).addAllOutput(out);
        for (Onnx.AttributeProto a : attrs) {
            b.addAttribute(a);
        }
        return b.build();
    }

    /**
     * Affine(x) = x * alpha + beta with alpha given by the call and beta by the function's default (float32), called
     * twice (the inner values must get distinct names) and once from inside another function.
     */
    @Test
    void attributeReferencesAndDefaultsAreResolved() throws Exception {
        Onnx.AttributeProto.AttributeType floatType = Onnx.AttributeProto.AttributeType.FLOAT;
        Onnx.FunctionProto affine = Onnx.FunctionProto.newBuilder().setName("Affine").setDomain("test").addInput("x")
            .addOutput("y").addAttribute("alpha").addAttributeProto(Attr.f("beta", -1.0))
            .addNode(node("Constant", "", List.of(), List.of("a"), ref("value_float", "alpha", floatType)))
            .addNode(node("Constant", "", List.of(), List.of("b"), ref("value_float", "beta", floatType)))
            .addNode(node("Mul", "", List.of("x", "a"), List.of("xa")))
            .addNode(node("Add", "", List.of("xa", "b"), List.of("y")))
            .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(15)).build();
        Onnx.FunctionProto twice = Onnx.FunctionProto.newBuilder().setName("Twice").setDomain("test").addInput("x")
            .addOutput("y").addNode(node("Affine", "test", List.of("x"), List.of("h"), Attr.f("alpha", 0.3)))
            .addNode(node("Tanh", "", List.of("h"), List.of("y")))
            .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("test").setVersion(1))
            .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(15)).build();
        Onnx.GraphProto graph = Onnx.GraphProto.newBuilder().setName("g").addInput(value("x", 2, 3)).addOutput(value("y", 2, 3))
            .addNode(node("Affine", "test", List.of("x"), List.of("u"), Attr.f("alpha", 3.0)))
            .addNode(node("Affine", "test", List.of("u"), List.of("v"), Attr.f("alpha", -0.5)))
            .addNode(node("Twice", "test", List.of("v"), List.of("y"))).build();
        Onnx.ModelProto proto = Onnx.ModelProto.newBuilder().setIrVersion(9).setGraph(graph).addFunctions(affine).addFunctions(twice)
            .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(15))
            .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("test").setVersion(1)).build();
        Onnx.ModelProto inlined = FunctionInliner.inline(proto, RuleRegistry.standard());
        assertEquals(4 * 3 + 1, inlined.getGraph().getNodeCount());
        assertTrue(inlined.getGraph().getNodeList().stream().allMatch(n -> n.getDomain().isEmpty()));
        long distinct = inlined.getGraph().getNodeList().stream().flatMap(n -> n.getOutputList().stream()).distinct().count();
        assertEquals(inlined.getGraph().getNodeCount(), distinct, "every inner value has a name of its own");

        Path file = Files.write(dir.resolve("affine.onnx"), proto.toByteArray());
        float[] x = {0.1f, -0.4f, 0.3f, 0.2f, -0.1f, 0.05f};
        Map<String, Tensor> inputs = Map.of("x", Tensor.ofFloats(x, 2, 3));
        try (OnnxModel model = OnnxModel.load(file, DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            double[] fd = OperatorTableTestAccess.centralDifferences(model, inputs, "x", "y");
            // v = -0.5 (3x - 1) - 1, y = tanh(0.3 v - 1): dy/dx = (1 - y^2) * 0.3 * -0.5 * 3 on the diagonal
            double[] expected = new double[36];
            for (int i = 0; i < 6; i++) {
                double v = -0.5 * (3 * x[i] - 1) - 1;
                double y = Math.tanh(0.3 * v - 1);
                expected[i * 6 + i] = (1 - y * y) * 0.3 * -0.5 * 3;
            }
            assertClose(expected, fd, 1e-2, "the model computes what the attributes say");
            for (JacobianMode mode : List.of(JacobianMode.FORWARD, JacobianMode.REVERSE)) {
                assertClose(expected, jacobian(engine, inputs, "x", "y", BatchAxis.NONE, mode), 2e-5, mode.label());
            }
        }
    }

    /** A standard operator defined as a function and without a rule (DynamicQuantizeLinear) is expanded. */
    @Test
    void standardFunctionWithoutRuleIsExpanded() throws Exception {
        assertNotNull(StandardFunctions.body("DynamicQuantizeLinear", 13));
        Onnx.GraphProto graph = Onnx.GraphProto.newBuilder().setName("g").addInput(value("x", 3, 4))
            .addOutput(value("scale"))
            .addNode(node("DynamicQuantizeLinear", "", List.of("x"), List.of("q", "scale", "zero"))).build();
        Onnx.ModelProto proto = Onnx.ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
            .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).build();
        Onnx.ModelProto inlined = FunctionInliner.inline(proto, RuleRegistry.standard());
        assertTrue(inlined.getGraph().getNodeList().stream().noneMatch(n -> n.getOpType().equals("DynamicQuantizeLinear")));
        Path file = Files.write(dir.resolve("dql.onnx"), proto.toByteArray());
        float[] x = new float[12];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(1.7 * i + 0.3) * 2;
        }
        Map<String, Tensor> inputs = Map.of("x", Tensor.ofFloats(x, 3, 4));
        try (OnnxModel model = OnnxModel.load(file, DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            // scale = (max(x, 0) - min(x, 0)) / 255: 1/255 at the largest element, -1/255 at the smallest
            double[] expected = new double[12];
            int hi = 0;
            int lo = 0;
            for (int i = 0; i < 12; i++) {
                hi = x[i] > x[hi] ? i : hi;
                lo = x[i] < x[lo] ? i : lo;
            }
            expected[hi] = 1 / 255.0;
            expected[lo] = -1 / 255.0;
            for (JacobianMode mode : List.of(JacobianMode.FORWARD, JacobianMode.REVERSE)) {
                assertClose(expected, jacobian(engine, inputs, "x", "scale", BatchAxis.NONE, mode), 1e-5, mode.label());
            }
        }
    }
}
