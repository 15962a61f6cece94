package org.jacobi.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jacobi.autodiff.expand.RecurrentExpansion;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ElementType;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.onnx.OnnxJacobianEngine;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row per registered operator (several for opset variants and broadcasting): a tiny model around the
 * operator, differentiated with respect to each float graph input and for each output. Forward mode is
 * checked against central differences, reverse mode by the dot-product test {@code <J t, c> == <t, J^T c>}
 * (through the engine's one-pass vector-Jacobian product) and by agreeing with forward mode.
 */
class OperatorTableTest {
    static final int F64 = 11;
    static final int F32 = 1;

    /** A table row: the operator it covers, opset, float type, tolerance and the graph. */
    record Row(String op, String variant, int opset, int floatType, double tolerance, Consumer<TestGraph> graph) {
        @Override
        public String toString() {
            return op + (variant.isEmpty() ? "" : " " + variant) + " (opset " + opset + ", " + (floatType == F64 ? "float64" : "float32") + ")";
        }
    }

    static final List<Row> ROWS = new ArrayList<>();

    static void row(String op, String variant, int opset, int type, Consumer<TestGraph> g) {
        ROWS.add(new Row(op, variant, opset, type, type == F64 ? 1e-5 : 3e-3, g));
    }

    static Onnx.AttributeProto[] none() {
        return new Onnx.AttributeProto[0];
    }

    /** y = op(x) for x of shape [3, 4] drawn from [lo, hi]. */
    static void unary(String op, int opset, int type, double lo, double hi, Onnx.AttributeProto... attrs) {
        row(op, attrs.length == 0 ? "" : attrs[0].getName(), opset, type,
            g -> g.domain(lo, hi).input("x", 3, 4).node(op, List.of("x"), List.of("y"), attrs).output("y"));
    }

    static void binary(String op, long[] a, long[] b, double lo, double hi) {
        row(op, Arrays.toString(a) + " with " + Arrays.toString(b), 13, F64,
            g -> g.domain(lo, hi).input("a", a).input("b", b).node(op, List.of("a", "b"), List.of("y")).output("y"));
    }

    /** A non-differentiable op z = op(...) feeding y = x + cast(z): the derivative must ignore z's path. */
    static void nonDifferentiable(String op, int opset, Consumer<TestGraph> makeZ) {
        row(op, "no derivative", opset, F64, g -> {
            g.input("x", 3, 4);
            makeZ.accept(g);
            g.node("Cast", List.of("z"), List.of("zc"), Attr.i("to", F64)).node("Add", List.of("x", "zc"), List.of("y")).output("y");
        });
    }

    static long[] s(long... v) {
        return v;
    }

    static {
        // Elementwise arithmetic, with broadcasting
        binary("Add", s(3, 4), s(4), -2, 2);
        binary("Add", s(3, 1), s(1, 4), -2, 2);
        binary("Sub", s(2, 3, 4), s(3, 1), -2, 2);
        binary("Mul", s(2, 3, 4), s(3, 1), -2, 2);
        binary("Mul", s(3, 4), s(3, 4), -2, 2);
        row("Div", "[3,4] / [4]", 13, F64, g -> g.input("a", 3, 4).domain(0.5, 2).input("b", 4)
            .node("Div", List.of("a", "b"), List.of("y")).output("y"));
        row("Pow", "[3,4] ^ [4]", 13, F64, g -> g.domain(0.5, 2).input("a", 3, 4).domain(-1, 2).input("b", 4)
            .node("Pow", List.of("a", "b"), List.of("y")).output("y"));
        row("Pow", "integer exponent", 13, F64, g -> g.domain(0.5, 2).input("a", 3, 4).ints("p", new long[] {3}, new long[0])
            .node("Pow", List.of("a", "p"), List.of("y")).output("y"));
        row("Min", "three inputs broadcast", 13, F64, g -> g.input("a", 3, 4).input("b", 4).input("c", 3, 1)
            .node("Min", List.of("a", "b", "c"), List.of("y")).output("y"));
        row("Max", "[3,4] with [4]", 13, F64, g -> g.input("a", 3, 4).input("b", 4)
            .node("Max", List.of("a", "b"), List.of("y")).output("y"));
        row("Sum", "three inputs broadcast", 13, F64, g -> g.input("a", 3, 4).input("b", 4).input("c", 3, 1)
            .node("Sum", List.of("a", "b", "c"), List.of("y")).output("y"));
        row("Mean", "two inputs broadcast", 13, F32, g -> g.input("a", 3, 4).input("b", 1, 4)
            .node("Mean", List.of("a", "b"), List.of("y")).output("y"));
        row("PRelu", "per-channel slope", 16, F32, g -> g.input("x", 2, 3, 4).input("slope", 3, 1)
            .node("PRelu", List.of("x", "slope"), List.of("y")).output("y"));
        row("Where", "broadcast branches", 13, F64, g -> g.bools("cond", new boolean[] {true, false, false, true, true, false,
            true, false, true, true, false, false}, 3, 4).input("a", 3, 4).input("b", 4)
            .node("Where", List.of("cond", "a", "b"), List.of("y")).output("y"));
        // Unary functions and activations
        unary("Neg", 13, F64, -2, 2);
        unary("Sqrt", 13, F64, 0.5, 2);
        unary("Reciprocal", 13, F64, 0.5, 2);
        unary("Exp", 13, F64, -2, 2);
        unary("Log", 13, F64, 0.5, 3);
        unary("Abs", 13, F64, -2, 2);
        unary("Sin", 13, F64, -3, 3);
        unary("Cos", 13, F64, -3, 3);
        unary("Tanh", 13, F64, -2, 2);
        unary("Sigmoid", 13, F64, -3, 3);
        unary("Relu", 14, F64, -2, 2);
        unary("LeakyRelu", 16, F64, -2, 2, Attr.f("alpha", 0.1));
        unary("Elu", 13, F32, -2, 2, Attr.f("alpha", 0.7));
        unary("Selu", 13, F32, -2, 2);
        unary("Softplus", 13, F32, -2, 2);
        unary("Erf", 13, F32, -1.5, 1.5);
        unary("Gelu", 20, F32, -3, 3);
        unary("Gelu", 20, F32, -3, 3, Attr.s("approximate", "tanh"));
        unary("HardSigmoid", 13, F32, -4, 4, Attr.f("alpha", 0.3), Attr.f("beta", 0.4));
        unary("HardSwish", 14, F32, -5, 5);
        row("Clip", "min and max inputs", 13, F64, g -> g.fixedValues("lo", new double[] {-0.5}).fixedValues("hi", new double[] {0.7})
            .input("x", 3, 4).node("Clip", List.of("x", "lo", "hi"), List.of("y")).output("y"));
        row("Clip", "derivatives for min and max", 13, F64, g -> g.domain(-0.6, -0.4).input("lo").domain(0.4, 0.6).input("hi")
            .domain(-1, 1).input("x", 3, 4).node("Clip", List.of("x", "lo", "hi"), List.of("y")).output("y"));
        row("Clip", "max only", 12, F64, g -> g.fixedValues("hi", new double[] {0.3})
            .input("x", 3, 4).node("Clip", List.of("x", "", "hi"), List.of("y")).output("y"));
        // Linear algebra
        row("Gemm", "transB alpha beta", 13, F64, g -> g.input("a", 3, 5).input("b", 4, 5).input("c", 4)
            .node("Gemm", List.of("a", "b", "c"), List.of("y"), Attr.i("transB", 1), Attr.f("alpha", 0.7), Attr.f("beta", 1.3)).output("y"));
        row("Gemm", "transA, bias [3,1]", 11, F64, g -> g.input("a", 5, 3).input("b", 5, 4).input("c", 3, 1)
            .node("Gemm", List.of("a", "b", "c"), List.of("y"), Attr.i("transA", 1)).output("y"));
        row("MatMul", "[2,3,4] @ [4,5]", 13, F64, g -> g.input("a", 2, 3, 4).input("b", 4, 5)
            .node("MatMul", List.of("a", "b"), List.of("y")).output("y"));
        row("MatMul", "[3,4] @ [2,4,5]", 13, F64, g -> g.input("a", 3, 4).input("b", 2, 4, 5)
            .node("MatMul", List.of("a", "b"), List.of("y")).output("y"));
        row("MatMul", "[4] @ [2,4,5]", 13, F64, g -> g.input("a", 4).input("b", 2, 4, 5)
            .node("MatMul", List.of("a", "b"), List.of("y")).output("y"));
        row("MatMul", "[2,3,4] @ [4]", 13, F64, g -> g.input("a", 2, 3, 4).input("b", 4)
            .node("MatMul", List.of("a", "b"), List.of("y")).output("y"));
        row("MatMul", "[4] @ [4]", 13, F64, g -> g.input("a", 4).input("b", 4)
            .node("MatMul", List.of("a", "b"), List.of("y")).output("y"));
        // Softmax family
        row("Softmax", "axis 1", 13, F64, g -> g.input("x", 2, 3, 4).node("Softmax", List.of("x"), List.of("y"), Attr.i("axis", 1)).output("y"));
        row("Softmax", "coerced axis 1", 11, F64, g -> g.input("x", 2, 3, 4).node("Softmax", List.of("x"), List.of("y"), Attr.i("axis", 1)).output("y"));
        row("LogSoftmax", "axis -1", 13, F64, g -> g.input("x", 2, 3, 4).node("LogSoftmax", List.of("x"), List.of("y")).output("y"));
        row("LogSoftmax", "coerced axis 1", 12, F64, g -> g.input("x", 2, 3, 4).node("LogSoftmax", List.of("x"), List.of("y"), Attr.i("axis", 1)).output("y"));
        // Convolution
        row("Conv", "2-D strides pads, weights and bias", 13, F32, g -> g.input("x", 2, 3, 5, 5).input("w", 4, 3, 3, 3).input("b", 4)
            .node("Conv", List.of("x", "w", "b"), List.of("y"), Attr.ints("strides", 2, 2), Attr.ints("pads", 1, 1, 1, 1)).output("y"));
        row("Conv", "2-D groups", 13, F32, g -> g.input("x", 1, 4, 5, 5).fixed("w", 4, 2, 3, 3)
            .node("Conv", List.of("x", "w"), List.of("y"), Attr.i("group", 2), Attr.ints("pads", 0, 1, 1, 0)).output("y"));
        row("Conv", "depthwise, dilation (grouped flipped-kernel reverse rule)", 13, F32, g -> g.input("x", 2, 3, 6, 5)
            .fixed("w", 6, 1, 3, 3).node("Conv", List.of("x", "w"), List.of("y"), Attr.i("group", 3), Attr.ints("dilations", 1, 2),
                Attr.ints("pads", 1, 2, 1, 2)).output("y"));
        row("Conv", "depthwise stride 2 (zero-dilated flipped-kernel reverse rule)", 13, F32, g -> g.input("x", 2, 4, 7, 6)
            .fixed("w", 4, 1, 3, 3).node("Conv", List.of("x", "w"), List.of("y"), Attr.i("group", 4), Attr.ints("strides", 2, 2),
                Attr.ints("pads", 1, 0, 1, 1)).output("y"));
        row("Conv", "grouped 1 x 1 stride 2, last row and column unread (cropped adjoint)", 13, F32, g -> g.input("x", 1, 4, 7, 7)
            .fixed("w", 6, 2, 1, 1).node("Conv", List.of("x", "w"), List.of("y"), Attr.i("group", 2), Attr.ints("strides", 2, 3))
            .output("y"));
        row("Conv", "2-D stride 1, asymmetric pads (flipped-kernel reverse rule)", 13, F32, g -> g.input("x", 2, 2, 4, 5)
            .input("w", 3, 2, 3, 2).node("Conv", List.of("x", "w"), List.of("y"), Attr.ints("pads", 1, 0, 2, 1)).output("y"));
        row("Conv", "1-D dilations", 13, F32, g -> g.input("x", 2, 2, 7).input("w", 3, 2, 3)
            .node("Conv", List.of("x", "w"), List.of("y"), Attr.ints("dilations", 2)).output("y"));
        row("Conv", "2-D SAME_UPPER stride 2", 13, F32, g -> g.input("x", 1, 2, 6, 5).fixed("w", 3, 2, 3, 3)
            .node("Conv", List.of("x", "w"), List.of("y"), Attr.s("auto_pad", "SAME_UPPER"), Attr.ints("strides", 2, 2)).output("y"));
        // small output maps with many weights: the reverse rule's two-product form (SmallMapConvAdjoint)
        row("Conv", "2 x 2 map, 3 x 3 kernel, 128 -> 64 channels (product-form reverse rule)", 13, F32, g -> g.input("x", 1, 128, 2, 2)
            .fixed("w", 64, 128, 3, 3).node("Conv", List.of("x", "w"), List.of("y"), Attr.ints("pads", 1, 1, 1, 1)).output("y"));
        row("Conv", "stride 2 to a 2 x 2 map, dilation, uneven pads (product-form reverse rule)", 13, F32, g -> g.input("x", 1, 64, 5, 6)
            .fixed("w", 64, 64, 3, 3).node("Conv", List.of("x", "w"), List.of("y"), Attr.ints("strides", 2, 2),
                Attr.ints("dilations", 1, 2), Attr.ints("pads", 1, 0, 0, 1)).output("y"));
        row("ConvTranspose", "strides pads output_padding bias", 13, F32, g -> g.input("x", 1, 2, 3, 3).fixed("w", 2, 3, 3, 3).input("b", 3)
            .node("ConvTranspose", List.of("x", "w", "b"), List.of("y"), Attr.ints("strides", 2, 2), Attr.ints("pads", 1, 1, 1, 1),
                Attr.ints("output_padding", 1, 1)).output("y"));
        row("ConvTranspose", "derivatives for the weights: strides, pads, output_padding", 13, F32, g -> g.input("x", 2, 2, 3, 3)
            .input("w", 2, 3, 3, 3).node("ConvTranspose", List.of("x", "w"), List.of("y"), Attr.ints("strides", 2, 2),
                Attr.ints("pads", 1, 0, 1, 1), Attr.ints("output_padding", 1, 0)).output("y"));
        row("ConvTranspose", "derivatives for the weights: dilations, output_shape, 1-D", 13, F32, g -> g.input("x", 1, 3, 4)
            .input("w", 3, 2, 3).node("ConvTranspose", List.of("x", "w"), List.of("y"), Attr.ints("strides", 2),
                Attr.ints("dilations", 2), Attr.ints("output_shape", 12)).output("y"));
        row("ConvTranspose", "groups", 13, F32, g -> g.input("x", 1, 4, 3, 3).fixed("w", 4, 1, 2, 2)
            .node("ConvTranspose", List.of("x", "w"), List.of("y"), Attr.i("group", 2)).output("y"));
        // Pooling
        row("MaxPool", "k2 s2", 13, F32, g -> g.input("x", 2, 2, 5, 5)
            .node("MaxPool", List.of("x"), List.of("y"), Attr.ints("kernel_shape", 2, 2), Attr.ints("strides", 2, 2)).output("y"));
        row("MaxPool", "k2 s2 tiling the input (upsampling reverse rule)", 13, F32, g -> g.input("x", 2, 2, 4, 6)
            .node("MaxPool", List.of("x"), List.of("y"), Attr.ints("kernel_shape", 2, 3), Attr.ints("strides", 2, 3)).output("y"));
        row("MaxPool", "overlapping k3 s1 pads", 13, F32, g -> g.input("x", 1, 2, 4, 4)
            .node("MaxPool", List.of("x"), List.of("y"), Attr.ints("kernel_shape", 3, 3), Attr.ints("pads", 1, 1, 1, 1)).output("y"));
        row("MaxPool", "overlapping, opset 16 scatter-add", 16, F32, g -> g.input("x", 1, 2, 4, 4)
            .node("MaxPool", List.of("x"), List.of("y"), Attr.ints("kernel_shape", 2, 2), Attr.ints("strides", 1, 1)).output("y"));
        row("MaxPool", "1-D", 13, F64, g -> g.input("x", 2, 3, 7)
            .node("MaxPool", List.of("x"), List.of("y"), Attr.ints("kernel_shape", 3), Attr.ints("strides", 2)).output("y"));
        row("AveragePool", "k2 s2", 13, F32, g -> g.input("x", 2, 2, 4, 4)
            .node("AveragePool", List.of("x"), List.of("y"), Attr.ints("kernel_shape", 2, 2), Attr.ints("strides", 2, 2)).output("y"));
        row("AveragePool", "k3 s2 pads, count_include_pad 0", 13, F32, g -> g.input("x", 1, 2, 5, 5)
            .node("AveragePool", List.of("x"), List.of("y"), Attr.ints("kernel_shape", 3, 3), Attr.ints("strides", 2, 2),
                Attr.ints("pads", 1, 1, 1, 1)).output("y"));
        row("AveragePool", "k3 s2 pads, count_include_pad 1", 13, F32, g -> g.input("x", 1, 2, 5, 5)
            .node("AveragePool", List.of("x"), List.of("y"), Attr.ints("kernel_shape", 3, 3), Attr.ints("strides", 2, 2),
                Attr.ints("pads", 1, 1, 1, 1), Attr.i("count_include_pad", 1)).output("y"));
        row("GlobalAveragePool", "", 13, F32, g -> g.input("x", 2, 3, 3, 4).node("GlobalAveragePool", List.of("x"), List.of("y")).output("y"));
        // Normalisation
        row("BatchNormalization", "inference", 15, F32, g -> g.input("x", 2, 3, 2, 2).fixed("scale", 3).fixed("bias", 3).fixed("mean", 3)
            .domain(0.5, 2).fixed("var", 3).node("BatchNormalization", List.of("x", "scale", "bias", "mean", "var"), List.of("y"),
                Attr.f("epsilon", 1e-3)).output("y"));
        row("InstanceNormalization", "", 13, F32, g -> g.input("x", 2, 3, 5).fixed("scale", 3).fixed("bias", 3)
            .node("InstanceNormalization", List.of("x", "scale", "bias"), List.of("y")).output("y"));
        row("LayerNormalization", "axis -2", 17, F32, g -> g.input("x", 2, 3, 4).fixed("scale", 3, 4).fixed("bias", 3, 4)
            .node("LayerNormalization", List.of("x", "scale", "bias"), List.of("y"), Attr.i("axis", -2)).output("y"));
        // ... and with respect to their parameters, inputs as in the ONNX backend tests
        row("BatchNormalization", "inference, derivatives for scale, bias, mean and var", 15, F32, g -> g.input("x", 2, 3, 2, 2)
            .input("scale", 3).input("bias", 3).input("mean", 3).domain(0.5, 2).input("var", 3)
            .node("BatchNormalization", List.of("x", "scale", "bias", "mean", "var"), List.of("y"), Attr.f("epsilon", 1e-3)).output("y"));
        row("InstanceNormalization", "derivatives for scale and bias", 13, F32, g -> g.input("x", 2, 3, 5).input("scale", 3)
            .input("bias", 3).node("InstanceNormalization", List.of("x", "scale", "bias"), List.of("y")).output("y"));
        row("LayerNormalization", "axis -1, derivatives for scale and bias", 17, F32, g -> g.input("x", 2, 3, 4).input("scale", 4)
            .input("bias", 4).node("LayerNormalization", List.of("x", "scale", "bias"), List.of("y")).output("y"));
        // Shapes and data movement
        row("Reshape", "", 13, F64, g -> g.input("x", 2, 3, 4).ints("shape", 4, -1).node("Reshape", List.of("x", "shape"), List.of("y")).output("y"));
        row("Flatten", "axis 2", 13, F64, g -> g.input("x", 2, 3, 4).node("Flatten", List.of("x"), List.of("y"), Attr.i("axis", 2)).output("y"));
        row("Squeeze", "axes input", 13, F64, g -> g.input("x", 3, 1, 4).ints("axes", -2).node("Squeeze", List.of("x", "axes"), List.of("y")).output("y"));
        row("Squeeze", "axes attribute", 11, F64, g -> g.input("x", 3, 1, 4).node("Squeeze", List.of("x"), List.of("y"), Attr.ints("axes", 1)).output("y"));
        row("Unsqueeze", "axes input", 13, F64, g -> g.input("x", 3, 4).ints("axes", 0, 3).node("Unsqueeze", List.of("x", "axes"), List.of("y")).output("y"));
        row("Unsqueeze", "axes attribute", 11, F64, g -> g.input("x", 3, 4).node("Unsqueeze", List.of("x"), List.of("y"), Attr.ints("axes", -1)).output("y"));
        row("Transpose", "perm", 13, F64, g -> g.input("x", 2, 3, 4).node("Transpose", List.of("x"), List.of("y"), Attr.ints("perm", 2, 0, 1)).output("y"));
        row("Transpose", "default reverses", 13, F64, g -> g.input("x", 2, 3, 4).node("Transpose", List.of("x"), List.of("y")).output("y"));
        row("Concat", "axis -1 with a fixed part", 13, F64, g -> g.input("a", 2, 3).fixed("f", 2, 1).input("b", 2, 2)
            .node("Concat", List.of("a", "f", "b"), List.of("y"), Attr.i("axis", -1)).output("y"));
        row("Split", "split input", 13, F64, g -> g.input("x", 2, 6).ints("split", 2, 4)
            .node("Split", List.of("x", "split"), List.of("y1", "y2"), Attr.i("axis", 1)).output("y1").output("y2"));
        row("Split", "split attribute", 11, F64, g -> g.input("x", 5, 2)
            .node("Split", List.of("x"), List.of("y1", "y2"), Attr.ints("split", 3, 2)).output("y1").output("y2"));
        row("Split", "num_outputs", 18, F64, g -> g.input("x", 2, 6)
            .node("Split", List.of("x"), List.of("y1", "y2", "y3"), Attr.i("axis", -1), Attr.i("num_outputs", 3)).output("y2"));
        row("Slice", "negative axes and steps", 13, F64, g -> g.input("x", 4, 5).ints("starts", 1, -4).ints("ends", 3, 5)
            .ints("axes", 0, -1).ints("steps", 1, 2).node("Slice", List.of("x", "starts", "ends", "axes", "steps"), List.of("y")).output("y"));
        row("Slice", "reversed, no axes", 13, F64, g -> g.input("x", 4, 3).ints("starts", -1).ints("ends", -10).ints("axes", 0).ints("steps", -2)
            .node("Slice", List.of("x", "starts", "ends", "axes", "steps"), List.of("y")).output("y"));
        row("Gather", "repeated indices", 13, F64, g -> g.input("x", 4, 3).ints("idx", new long[] {0, 2, 2, -1}, 2, 2)
            .node("Gather", List.of("x", "idx"), List.of("y")).output("y"));
        row("Gather", "axis 1, opset 16 scatter-add", 16, F64, g -> g.input("x", 2, 4).ints("idx", 3, 1, 3)
            .node("Gather", List.of("x", "idx"), List.of("y"), Attr.i("axis", 1)).output("y"));
        row("ScatterElements", "axis 1", 13, F64, g -> g.input("x", 3, 4).ints("idx", new long[] {1, 0, 2, 3, 1, 0}, 2, 3)
            .input("u", 2, 3).node("ScatterElements", List.of("x", "idx", "u"), List.of("y"), Attr.i("axis", 1)).output("y"));
        row("ScatterElements", "repeated indices, reduction add", 16, F64, g -> g.input("x", 3, 4)
            .ints("idx", new long[] {1, 1, 2, 3, 3, 0}, 2, 3).input("u", 2, 3)
            .node("ScatterElements", List.of("x", "idx", "u"), List.of("y"), Attr.i("axis", 1), Attr.s("reduction", "add")).output("y"));
        row("GatherElements", "axis 1, repeated indices", 16, F64, g -> g.input("x", 3, 4)
            .ints("idx", new long[] {1, 1, 3, 0, 2, 2}, 3, 2)
            .node("GatherElements", List.of("x", "idx"), List.of("y"), Attr.i("axis", 1)).output("y"));
        row("Expand", "[3,1] to [2,3,4]", 13, F64, g -> g.input("x", 3, 1).ints("shape", 2, 3, 4)
            .node("Expand", List.of("x", "shape"), List.of("y")).output("y"));
        row("Tile", "", 13, F64, g -> g.input("x", 2, 3).ints("reps", 2, 2).node("Tile", List.of("x", "reps"), List.of("y")).output("y"));
        row("Pad", "constant", 13, F64, g -> g.input("x", 2, 3).ints("pads", 1, 0, 0, 2).fixedValues("v", new double[] {0.5})
            .node("Pad", List.of("x", "pads", "v"), List.of("y")).output("y"));
        row("Pad", "reflect", 13, F64, g -> g.input("x", 3, 4).ints("pads", 0, 2, 1, 1)
            .node("Pad", List.of("x", "pads"), List.of("y"), Attr.s("mode", "reflect")).output("y"));
        row("Pad", "edge with axes", 18, F64, g -> g.input("x", 3, 4).ints("pads", 2, 1).ints("axes", -1)
            .node("Pad", List.of("x", "pads", "", "axes"), List.of("y"), Attr.s("mode", "edge")).output("y"));
        row("ReduceSum", "axes input, keepdims 0", 13, F64, g -> g.input("x", 2, 3, 4).ints("axes", 1)
            .node("ReduceSum", List.of("x", "axes"), List.of("y"), Attr.i("keepdims", 0)).output("y"));
        row("ReduceSum", "axes attribute", 11, F64, g -> g.input("x", 2, 3, 4)
            .node("ReduceSum", List.of("x"), List.of("y"), Attr.ints("axes", -1, 0)).output("y"));
        row("ReduceSum", "all axes", 13, F64, g -> g.input("x", 2, 3)
            .node("ReduceSum", List.of("x"), List.of("y"), Attr.i("keepdims", 0)).output("y"));
        row("ReduceMean", "axes attribute", 13, F64, g -> g.input("x", 2, 3, 4)
            .node("ReduceMean", List.of("x"), List.of("y"), Attr.ints("axes", 0, 2)).output("y"));
        row("ReduceMean", "axes input", 18, F64, g -> g.input("x", 2, 3, 4).ints("axes", -1)
            .node("ReduceMean", List.of("x", "axes"), List.of("y"), Attr.i("keepdims", 0)).output("y"));
        row("ReduceMax", "keepdims 0", 13, F64, g -> g.input("x", 2, 3, 4)
            .node("ReduceMax", List.of("x"), List.of("y"), Attr.ints("axes", 1), Attr.i("keepdims", 0)).output("y"));
        row("Identity", "", 13, F64, g -> g.input("x", 3, 4).node("Identity", List.of("x"), List.of("y")).output("y"));
        row("Dropout", "inference", 13, F64, g -> g.input("x", 3, 4).node("Dropout", List.of("x"), List.of("y")).output("y"));
        row("Cast", "float32 -> float64 -> float32", 13, F32, g -> g.input("x", 3, 4)
            .node("Cast", List.of("x"), List.of("h"), Attr.i("to", F64)).node("Tanh", List.of("h"), List.of("t"))
            .node("Cast", List.of("t"), List.of("y"), Attr.i("to", F32)).output("y"));
        // No derivative flows through these
        nonDifferentiable("Constant", 13, g -> g.node("Constant", List.of(), List.of("z"),
            Attr.t("value", TensorProtos.floats("c", F64, new double[] {1, 2, 3, 4}, 4))));
        nonDifferentiable("Shape", 13, g -> g.node("Shape", List.of("x"), List.of("s")).ints("one", 1).ints("two", 2)
            .node("Slice", List.of("s", "one", "two"), List.of("z")));
        nonDifferentiable("Size", 13, g -> g.node("Size", List.of("x"), List.of("z")));
        nonDifferentiable("ConstantOfShape", 13, g -> g.ints("shape", 4).node("ConstantOfShape", List.of("shape"), List.of("z"),
            Attr.t("value", TensorProtos.floats("v", F64, new double[] {2}, 1))));
        nonDifferentiable("Range", 13, g -> g.ints("start", new long[] {0}, new long[0]).ints("limit", new long[] {4}, new long[0])
            .ints("delta", new long[] {1}, new long[0])
            .node("Range", List.of("start", "limit", "delta"), List.of("z")));
        for (String cmp : List.of("Equal", "Less", "LessOrEqual", "Greater", "GreaterOrEqual")) {
            nonDifferentiable(cmp, 13, g -> g.fixed("f", 4).node(cmp, List.of("x", "f"), List.of("z")));
        }
        nonDifferentiable("Not", 13, g -> g.fixed("f", 4).node("Less", List.of("x", "f"), List.of("l")).node("Not", List.of("l"), List.of("z")));
        for (String logic : List.of("And", "Or", "Xor")) {
            nonDifferentiable(logic, 13, g -> g.fixed("f", 4).node("Less", List.of("x", "f"), List.of("l"))
                .node("Greater", List.of("x", "f"), List.of("m")).node(logic, List.of("l", "m"), List.of("z")));
        }
        nonDifferentiable("IsNaN", 13, g -> g.node("IsNaN", List.of("x"), List.of("z")));
        nonDifferentiable("IsInf", 13, g -> g.node("IsInf", List.of("x"), List.of("z")));
        for (String step : List.of("Sign", "Floor", "Ceil", "Round")) {
            nonDifferentiable(step, 13, g -> g.node(step, List.of("x"), List.of("z")));
        }
        nonDifferentiable("ArgMax", 13, g -> g.node("ArgMax", List.of("x"), List.of("z"), Attr.i("axis", 1)));
        nonDifferentiable("ArgMin", 13, g -> g.node("ArgMin", List.of("x"), List.of("z"), Attr.i("axis", 1)));
        // Operators of real exports (issue 11), in their own file
        ExportOperatorRows.add();
        recurrentRows();
        resizeRows();
    }

    // ==== Resize (rules/ResizeRules): every mode and coordinate transformation ====

    static void resize(String variant, int opset, long[] x, double[] scales, long[] sizes, double[] roi, Onnx.AttributeProto... attrs) {
        row("Resize", variant, opset, F32, g -> {
            g.input("x", x);
            String roiName = "";
            if (roi != null) {
                g.fixedValues("roi", roi, roi.length);
                roiName = "roi";
            } else if (opset < 13) {
                g.fixedValues("roi", new double[0], 0);
                roiName = "roi";
            }
            String scalesName = "";
            if (scales != null) {
                g.fixedValues("scales", scales, scales.length);
                scalesName = "scales";
            } else if (opset < 13) {
                g.fixedValues("scales", new double[0], 0);
                scalesName = "scales";
            }
            List<String> in = new ArrayList<>(List.of("x", roiName, scalesName));
            if (sizes != null) {
                g.ints("sizes", sizes);
                in.add("sizes");
            }
            g.node("Resize", in, List.of("y"), attrs).output("y");
        });
    }

    static Onnx.AttributeProto mode(String m) {
        return Attr.s("mode", m);
    }

    static Onnx.AttributeProto coords(String m) {
        return Attr.s("coordinate_transformation_mode", m);
    }

    static Onnx.AttributeProto rounding(String m) {
        return Attr.s("nearest_mode", m);
    }

    static void resizeRows() {
        row("Resize", "nearest x2, asymmetric floor (torch export)", 13, F32, g -> g.input("x", 2, 2, 3, 2)
            .fixedValues("scales", new double[] {1, 1, 2, 3}, 4)
            .node("Resize", List.of("x", "", "scales"), List.of("y"), Attr.s("mode", "nearest"),
                Attr.s("coordinate_transformation_mode", "asymmetric"), Attr.s("nearest_mode", "floor")).output("y"));
        row("Resize", "nearest by sizes, half_pixel", 13, F32, g -> g.input("x", 1, 2, 2, 3).ints("sizes", 1, 2, 6, 6)
            .node("Resize", List.of("x", "", "", "sizes"), List.of("y"), Attr.s("mode", "nearest")).output("y"));
        long[] img = {2, 2, 3, 4};
        // nearest: any scale, every rounding
        resize("nearest x1.5 round_prefer_ceil", 13, img, new double[] {1, 1, 1.5, 1.5}, null, null, mode("nearest"),
            rounding("round_prefer_ceil"));
        resize("nearest down x0.6 asymmetric ceil", 13, img, new double[] {1, 1, 0.6, 0.6}, null, null, mode("nearest"),
            coords("asymmetric"), rounding("ceil"));
        resize("nearest sizes tf_half_pixel_for_nn floor", 13, img, null, new long[] {2, 2, 5, 7}, null, mode("nearest"),
            coords("tf_half_pixel_for_nn"), rounding("floor"));
        resize("nearest align_corners round_prefer_floor, opset 11", 11, img, new double[] {1, 1, 2.5, 1.75}, null, null,
            mode("nearest"), coords("align_corners"));
        resize("nearest tf_crop_and_resize", 13, img, null, new long[] {2, 2, 4, 3}, new double[] {0, 0, 0.2, -0.1, 1, 1, 0.9, 1.2},
            mode("nearest"), coords("tf_crop_and_resize"), Attr.f("extrapolation_value", 0.5));
        // linear
        resize("linear x2 pytorch_half_pixel", 13, img, new double[] {1, 1, 2, 2}, null, null, mode("linear"),
            coords("pytorch_half_pixel"));
        resize("linear sizes align_corners", 13, img, null, new long[] {2, 2, 5, 7}, null, mode("linear"), coords("align_corners"));
        resize("linear down x0.5 asymmetric", 13, new long[] {1, 2, 4, 6}, new double[] {1, 1, 0.5, 0.5}, null, null,
            mode("linear"), coords("asymmetric"));
        resize("linear half_pixel x1.7, opset 11", 11, img, new double[] {1, 1, 1.7, 1.3}, null, null, mode("linear"));
        resize("linear tf_crop_and_resize", 13, img, null, new long[] {2, 2, 4, 5}, new double[] {0, 0, 0.1, -0.2, 1, 1, 0.8, 1.1},
            mode("linear"), coords("tf_crop_and_resize"), Attr.f("extrapolation_value", -1));
        resize("linear 1-D spatial", 13, new long[] {2, 3, 5}, new double[] {1, 1, 1.6}, null, null, mode("linear"));
        resize("linear 3-D spatial (axis moved last)", 13, new long[] {1, 1, 2, 3, 2}, new double[] {1, 1, 2, 1.5, 2}, null, null,
            mode("linear"), coords("align_corners"));
        resize("linear half_pixel_symmetric", 19, img, new double[] {1, 1, 1.5, 2.5}, null, null, mode("linear"),
            coords("half_pixel_symmetric"));
        // cubic
        resize("cubic x2 pytorch_half_pixel a=-0.75", 13, img, new double[] {1, 1, 2, 2}, null, null, mode("cubic"),
            coords("pytorch_half_pixel"));
        resize("cubic align_corners", 13, img, null, new long[] {2, 2, 7, 6}, null, mode("cubic"), coords("align_corners"));
        resize("cubic a=-0.5 exclude_outside half_pixel", 13, img, new double[] {1, 1, 1.7, 2.2}, null, null, mode("cubic"),
            Attr.f("cubic_coeff_a", -0.5), Attr.i("exclude_outside", 1));
        resize("cubic down x0.6 asymmetric", 13, new long[] {1, 2, 5, 6}, new double[] {1, 1, 0.6, 0.7}, null, null,
            mode("cubic"), coords("asymmetric"));
        resize("cubic tf_crop_and_resize", 13, img, null, new long[] {2, 2, 4, 5}, new double[] {0, 0, 0.1, 0.05, 1, 1, 0.9, 0.8},
            mode("cubic"), coords("tf_crop_and_resize"));
        // opset 18: axes, keep_aspect_ratio_policy, antialias
        resize("linear axes [2,3] sizes not_larger", 18, img, null, new long[] {5, 6}, null, mode("linear"), Attr.ints("axes", 2, 3),
            Attr.s("keep_aspect_ratio_policy", "not_larger"));
        resize("linear antialias down x0.5", 18, new long[] {1, 2, 6, 8}, new double[] {1, 1, 0.5, 0.6}, null, null, mode("linear"),
            Attr.i("antialias", 1));
        resize("cubic antialias down x0.6", 18, new long[] {1, 2, 6, 8}, new double[] {1, 1, 0.6, 0.5}, null, null, mode("cubic"),
            Attr.i("antialias", 1));
    }

    // ==== end of the Resize block ====

    // ==== Recurrent layers (expanded into time steps by autodiff.expand.RecurrentExpansion) ====

    static Onnx.AttributeProto strings(String name, String... v) {
        Onnx.AttributeProto.Builder b = Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.STRINGS);
        for (String x : v) {
            b.addStrings(com.google.protobuf.ByteString.copyFromUtf8(x));
        }
        return b.build();
    }

    static Onnx.AttributeProto floats(String name, double... v) {
        Onnx.AttributeProto.Builder b = Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOATS);
        for (double x : v) {
            b.addFloats((float) x);
        }
        return b.build();
    }

    static Onnx.TensorProto int32s(String name, int... v) {
        Onnx.TensorProto.Builder b = Onnx.TensorProto.newBuilder().setName(name).setDataType(6).addDims(v.length);
        for (int x : v) {
            b.addInt32Data(x);
        }
        return b.build();
    }

    /** Sequence 3, batch 2, input 3, hidden 2. */
    static void recurrentRows() {
        // ONNX Runtime runs these operators in float32 only, and with layout 0 only (RecurrentExpansionTest covers
        // layout 1), so the central differences here are float32 ones.
        // LSTM
        row("LSTM", "forward, no bias or initial state", 14, F32, g -> g.input("x", 3, 2, 3).fixed("w", 1, 8, 3).fixed("r", 1, 8, 2)
            .node("LSTM", List.of("x", "w", "r"), List.of("y", "yh", "yc"), Attr.i("hidden_size", 2)).output("y").output("yc"));
        row("LSTM", "bidirectional, bias, initial states, peepholes", 14, F32, g -> g.input("x", 3, 2, 3).fixed("w", 2, 8, 3)
            .fixed("r", 2, 8, 2).fixed("b", 2, 16).input("h0", 2, 2, 2).input("c0", 2, 2, 2).fixed("p", 2, 6)
            .node("LSTM", List.of("x", "w", "r", "b", "", "h0", "c0", "p"), List.of("y", "yh", "yc"), Attr.i("hidden_size", 2),
                Attr.s("direction", "bidirectional")).output("y").output("yh").output("yc"));
        row("LSTM", "reverse, weights as inputs, clip", 14, F32, g -> g.input("x", 3, 2, 3).input("w", 1, 8, 3)
            .input("r", 1, 8, 2).input("b", 1, 16).input("h0", 1, 2, 2)
            .node("LSTM", List.of("x", "w", "r", "b", "", "h0"), List.of("y", "yh"), Attr.i("hidden_size", 2),
                Attr.s("direction", "reverse"), Attr.f("clip", 1.5)).output("y").output("yh"));
        row("LSTM", "explicit activations, input_forget, sequence_lens", 14, F32, g -> g.input("x", 3, 2, 3).fixed("w", 2, 8, 3)
            .fixed("r", 2, 8, 2).fixed("b", 2, 16).add(int32s("lens", 3, 3))
            .node("LSTM", List.of("x", "w", "r", "b", "lens"), List.of("y"), Attr.i("hidden_size", 2), Attr.s("direction", "bidirectional"),
                strings("activations", "HardSigmoid", "LeakyRelu", "Softsign", "Sigmoid", "ScaledTanh", "Affine"),
                floats("activation_alpha", 0.3, 0.2, 0.9, 0.6), floats("activation_beta", 0.45, 1.1, 0.1), Attr.i("input_forget", 1))
            .output("y"));
        // GRU
        row("GRU", "forward, bias, initial state", 14, F32, g -> g.input("x", 3, 2, 3).fixed("w", 1, 6, 3).fixed("r", 1, 6, 2)
            .fixed("b", 1, 12).input("h0", 1, 2, 2)
            .node("GRU", List.of("x", "w", "r", "b", "", "h0"), List.of("y", "yh"), Attr.i("hidden_size", 2)).output("y").output("yh"));
        row("GRU", "bidirectional, linear_before_reset", 14, F32, g -> g.input("x", 3, 2, 3).fixed("w", 2, 6, 3)
            .fixed("r", 2, 6, 2).fixed("b", 2, 12).input("h0", 2, 2, 2)
            .node("GRU", List.of("x", "w", "r", "b", "", "h0"), List.of("y", "yh"), Attr.i("hidden_size", 2),
                Attr.s("direction", "bidirectional"), Attr.i("linear_before_reset", 1)).output("y").output("yh"));
        row("GRU", "reverse, linear_before_reset without initial state, activations", 11, F32, g -> g.input("x", 3, 2, 3)
            .fixed("w", 1, 6, 3).fixed("r", 1, 6, 2).fixed("b", 1, 12)
            .node("GRU", List.of("x", "w", "r", "b"), List.of("y", "yh"), Attr.i("hidden_size", 2), Attr.s("direction", "reverse"),
                Attr.i("linear_before_reset", 1), strings("activations", "Sigmoid", "Softplus")).output("yh"));
        row("GRU", "weights as inputs, no bias, Elu", 14, F32, g -> g.input("x", 3, 2, 3).input("w", 1, 6, 3).input("r", 1, 6, 2)
            .node("GRU", List.of("x", "w", "r"), List.of("y"), Attr.i("hidden_size", 2), strings("activations", "Sigmoid", "Elu"),
                floats("activation_alpha", 0.8)).output("y"));
        // RNN
        row("RNN", "forward tanh, bias", 14, F32, g -> g.input("x", 3, 2, 3).fixed("w", 1, 2, 3).fixed("r", 1, 2, 2).fixed("b", 1, 4)
            .node("RNN", List.of("x", "w", "r", "b"), List.of("y", "yh"), Attr.i("hidden_size", 2)).output("y").output("yh"));
        row("RNN", "bidirectional, initial state, activations", 14, F32, g -> g.input("x", 3, 2, 3).fixed("w", 2, 2, 3)
            .fixed("r", 2, 2, 2).fixed("b", 2, 4).input("h0", 2, 2, 2)
            .node("RNN", List.of("x", "w", "r", "b", "", "h0"), List.of("y", "yh"), Attr.i("hidden_size", 2),
                Attr.s("direction", "bidirectional"), strings("activations", "Tanh", "Sigmoid")).output("y").output("yh"));
    }

    @Test
    void everyExpandedOperatorHasARow() {
        Set<String> covered = new TreeSet<>();
        ROWS.forEach(r -> covered.add(r.op()));
        Set<String> missing = new TreeSet<>(RecurrentExpansion.OPERATORS);
        missing.removeAll(covered);
        assertTrue(missing.isEmpty(), "expanded operators without a test row: " + missing);
    }

    // ==== end of the recurrent block ====

    // ==== control flow: If differentiated branch by branch; Loop and Scan unrolled (expand.LoopUnrolling) ====

    static Onnx.NodeProto n(String op, List<String> in, List<String> out, Onnx.AttributeProto... attrs) {
        return Onnx.NodeProto.newBuilder().setOpType(op).setName(out.get(0) + "_node").addAllInput(in).addAllOutput(out)
            .addAllAttribute(List.of(attrs)).build();
    }

    /** A subgraph; its inputs and outputs are float64 tensors, except the names in {@code typed} (name to type). */
    static Onnx.AttributeProto graph(String attr, List<String> in, List<String> out, Map<String, Integer> typed,
                                     Onnx.NodeProto... nodes) {
        Onnx.GraphProto.Builder g = Onnx.GraphProto.newBuilder().setName(attr).addAllNode(List.of(nodes));
        for (String v : in) {
            g.addInput(valueInfo(v, typed.getOrDefault(v, F64)));
        }
        for (String v : out) {
            g.addOutput(valueInfo(v, typed.getOrDefault(v, F64)));
        }
        return Onnx.AttributeProto.newBuilder().setName(attr).setType(Onnx.AttributeProto.AttributeType.GRAPH).setG(g).build();
    }

    /** Float values of any shape; the loop counter and conditions (other types) scalars, as ONNX Runtime wants them. */
    private static Onnx.ValueInfoProto valueInfo(String name, int type) {
        Onnx.TypeProto.Tensor.Builder t = Onnx.TypeProto.Tensor.newBuilder().setElemType(type);
        if (type != F64) {
            t.setShape(Onnx.TensorShapeProto.newBuilder());
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder().setTensorType(t)).build();
    }

    static {
        Map<String, Integer> loopTypes = Map.of("i", 7, "cond_in", 9, "cond_out", 9);
        // The branches read x, w and s from the enclosing graph without naming them as inputs; sibling branches reuse names.
        row("If", "then branch, reading enclosing values", 17, F64, g -> g.input("x", 2, 3).input("w", 3, 3)
            .bools("c", new boolean[] {true}).node("Sin", List.of("x"), List.of("s"))
            .node("If", List.of("c"), List.of("y"),
                graph("then_branch", List.of(), List.of("v"), Map.of(), n("MatMul", List.of("x", "w"), List.of("t")),
                    n("Tanh", List.of("t"), List.of("u")), n("Mul", List.of("u", "s"), List.of("v"))),
                graph("else_branch", List.of(), List.of("v"), Map.of(), n("Cos", List.of("x"), List.of("v"))))
            .output("y"));
        row("If", "else branch holding a nested If", 17, F64, g -> g.input("x", 2, 3).input("w", 3)
            .bools("c", new boolean[] {false}).bools("c2", new boolean[] {true})
            .node("If", List.of("c"), List.of("y"),
                graph("then_branch", List.of(), List.of("v"), Map.of(), n("Cos", List.of("x"), List.of("v"))),
                graph("else_branch", List.of(), List.of("v"), Map.of(), n("Mul", List.of("x", "w"), List.of("xw")),
                    n("If", List.of("c2"), List.of("v"),
                        graph("then_branch", List.of(), List.of("z"), Map.of(), n("Mul", List.of("xw", "x"), List.of("z"))),
                        graph("else_branch", List.of(), List.of("z"), Map.of(), n("Exp", List.of("xw"), List.of("z"))))))
            .output("y"));
        row("Loop", "trip count 3, carried state and scan output", 17, F64, g -> g.input("x", 2, 3).input("w", 2, 3)
            .ints("M", new long[] {3}, new long[0]).bools("cond", new boolean[] {true})
            .node("Loop", List.of("M", "cond", "x"), List.of("h", "hs"),
                graph("body", List.of("i", "cond_in", "h_in"), List.of("cond_out", "h_out", "seq"), loopTypes,
                    n("Mul", List.of("h_in", "w"), List.of("hw")), n("Tanh", List.of("hw"), List.of("h_out")),
                    n("Sin", List.of("h_out"), List.of("seq")), n("Identity", List.of("cond_in"), List.of("cond_out"))))
            .output("h").output("hs"));
        row("Scan", "axis 1 reversed, carried state", 17, F64, g -> g.input("h0", 2, 3).input("xs", 2, 4, 3).input("w", 3)
            .node("Scan", List.of("h0", "xs"), List.of("h", "ys"),
                graph("body", List.of("h_in", "xt"), List.of("h_out", "o"), Map.of(),
                    n("Mul", List.of("h_in", "w"), List.of("hw")), n("Add", List.of("hw", "xt"), List.of("a")),
                    n("Tanh", List.of("a"), List.of("h_out")), n("Mul", List.of("h_out", "xt"), List.of("o"))),
                Attr.i("num_scan_inputs", 1), Attr.ints("scan_input_axes", 1), Attr.ints("scan_input_directions", 1),
                Attr.ints("scan_output_axes", 1))
            .output("h").output("ys"));
    }

    // ==== end of the control flow block ====

    static Stream<Row> rows() {
        return ROWS.stream();
    }

    @TempDir
    Path dir;

    @Test
    void everyRegisteredOperatorHasARow() {
        Set<String> covered = new TreeSet<>();
        ROWS.forEach(r -> covered.add(r.op()));
        Set<String> missing = new TreeSet<>(RuleRegistry.standard().operators());
        missing.removeAll(covered);
        assertTrue(missing.isEmpty(), "registered operators without a test row: " + missing);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void derivativesAreRight(Row row) throws Exception {
        checkRow(row, dir);
    }

    /** Builds the row's model in {@code dir} and checks every (wrt, of) pair. */
    static void checkRow(Row row, Path dir) throws Exception {
        TestGraph g = new TestGraph(row.opset(), row.floatType(), row.toString().hashCode());
        row.graph().accept(g);
        Path file = g.write(dir, "model");
        try (OnnxModel model = OnnxModel.load(file, DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            for (String wrt : g.values().keySet()) {
                for (String of : g.outputs) {
                    check(row, model, engine, g.values(), wrt, of);
                }
            }
        }
    }

    static void check(Row row, OnnxModel model, OnnxJacobianEngine engine, Map<String, Tensor> inputs, String wrt, String of) {
        String what = row + " d" + of + "/d" + wrt;
        JacobianRequest request = new JacobianRequest(inputs, wrt, of, BatchAxis.NONE, JacobianMode.FORWARD, 0);
        double[] jf = engine.compute(request, ProgressMonitor.NONE).jacobian().toDoubleArray();
        double[] jr = engine.compute(request.withMode(JacobianMode.REVERSE), ProgressMonitor.NONE).jacobian().toDoubleArray();
        double[] fd = centralDifferences(model, inputs, wrt, of, row.floatType());
        double scale = 1;
        for (double v : fd) {
            scale = Math.max(scale, Math.abs(v));
        }
        assertClose(what + " forward vs central differences", jf, fd, row.tolerance() * scale);
        assertClose(what + " reverse vs forward", jr, jf, (row.floatType() == F64 ? 1e-6 : 1e-4) * scale);

        // Dot-product test through the one-pass vector-Jacobian product.
        Tensor x = inputs.get(wrt);
        int nIn = x.size();
        int nOut = jf.length / nIn;
        Random random = new Random(7);
        double[] t = new double[nIn];
        double[] c = new double[nOut];
        for (int i = 0; i < nIn; i++) {
            t[i] = random.nextGaussian();
        }
        for (int o = 0; o < nOut; o++) {
            c[o] = random.nextGaussian();
        }
        double jtc = 0;
        for (int o = 0; o < nOut; o++) {
            double jt = 0;
            for (int i = 0; i < nIn; i++) {
                jt += jf[o * nIn + i] * t[i];
            }
            jtc += jt * c[o];
        }
        Tensor cotangent = Tensor.ofDoubles(c, nOut);
        if (row.floatType() == F32) {
            cotangent = cotangent.asType(ElementType.FLOAT32);
        }
        Tensor vjp = engine.vectorJacobianProduct(request.withMode(JacobianMode.REVERSE), cotangent, ProgressMonitor.NONE);
        double tjc = 0;
        for (int i = 0; i < nIn; i++) {
            tjc += t[i] * vjp.getDouble(i);
        }
        double norm = 0;
        for (double v : jf) {
            norm += v * v;
        }
        double tol = (row.floatType() == F64 ? 1e-6 : 1e-4) * Math.max(1, Math.sqrt(norm) * Math.sqrt(nIn * nOut));
        assertTrue(Math.abs(jtc - tjc) <= tol, what + ": <J t, c> = " + jtc + " but <t, J^T c> = " + tjc);
    }

    static void assertClose(String what, double[] actual, double[] expected, double tol) {
        assertTrue(actual.length == expected.length, what + ": " + actual.length + " vs " + expected.length + " elements");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs(actual[i] - expected[i]);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        final int where = at;
        final double w = worst;
        assertTrue(worst <= tol, () -> what + ": max error " + w + " at " + where + " (got " + actual[where] + ", expected "
            + expected[where] + "), tolerance " + tol);
    }

    /** The relative step of central differences on float32 models (smaller for data near singularities). */
    static double float32Step = 1e-2;

    /** The full Jacobian [*out, *in] by central differences on the model itself. */
    static double[] centralDifferences(OnnxModel model, Map<String, Tensor> inputs, String wrt, String of, int type) {
        Tensor x = inputs.get(wrt);
        double[] xv = x.toDoubleArray();
        int nIn = xv.length;
        double[] j = null;
        int nOut = 0;
        for (int i = 0; i < nIn; i++) {
            double h = (type == F64 ? 1e-6 : float32Step) * Math.max(1, Math.abs(xv[i]));
            // the step the model really sees, after rounding to its float type
            double up = type == F64 ? xv[i] + h : (float) (xv[i] + h);
            double down = type == F64 ? xv[i] - h : (float) (xv[i] - h);
            double[] plus = runWith(model, inputs, wrt, of, xv, i, up);
            double[] minus = runWith(model, inputs, wrt, of, xv, i, down);
            if (j == null) {
                nOut = plus.length;
                j = new double[nOut * nIn];
            }
            for (int o = 0; o < nOut; o++) {
                j[o * nIn + i] = (plus[o] - minus[o]) / (up - down);
            }
        }
        return j;
    }

    private static double[] runWith(OnnxModel model, Map<String, Tensor> inputs, String wrt, String of, double[] xv, int i,
                                    double value) {
        double[] v = xv.clone();
        v[i] = value;
        Tensor t = Tensor.ofDoubles(v, inputs.get(wrt).shape());
        Map<String, Tensor> feed = new LinkedHashMap<>(inputs);
        feed.put(wrt, t.asType(inputs.get(wrt).type()));
        return model.run(feed, Set.of(of)).get(of).toDoubleArray();
    }
}
