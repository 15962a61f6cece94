package org.jacobi.autodiff;

import static org.jacobi.autodiff.OperatorTableTest.F32;
import static org.jacobi.autodiff.OperatorTableTest.F64;
import static org.jacobi.autodiff.OperatorTableTest.row;
import static org.jacobi.autodiff.OperatorTableTest.unary;

import java.util.List;
import java.util.function.Consumer;
import org.jacobi.onnx.proto.Onnx;

/**
 * Operator table rows for the operators of real exports added for issue 11 (Einsum, the reductions, the
 * scatters and gathers, the inverse trigonometric and hyperbolic functions, more activations and
 * normalisations, and the integer and random operators without derivative). Kept apart from the main
 * table so that additions from other work merge cleanly.
 */
final class ExportOperatorRows {
    private ExportOperatorRows() {
    }

    /** An initializer of any integer element type (2 uint8, 6 int32, 7 int64...). */
    static Onnx.TensorProto typed(String name, int type, long[] v, long... dims) {
        Onnx.TensorProto.Builder b = Onnx.TensorProto.newBuilder().setName(name).setDataType(type);
        for (long d : dims) {
            b.addDims(d);
        }
        for (long x : v) {
            if (type == 7) {
                b.addInt64Data(x);
            } else if (type == 13 || type == 12) {
                b.addUint64Data(x);
            } else {
                b.addInt32Data((int) x);
            }
        }
        return b.build();
    }

    /**
     * An operator without derivative: {@code y = x + 0 * sum(cast(z))} for z made by {@code makeZ} (from x or
     * from constants). The zero factor keeps random and discontinuous z out of the central differences; the
     * derivative must not try to follow z's path.
     */
    static void noDerivative(String op, int opset, Consumer<TestGraph> makeZ) {
        row(op, "no derivative", opset, F64, g -> {
            g.input("x", 3, 4);
            makeZ.accept(g);
            g.fixedValues("zero", new double[] {0})
                .node("Cast", List.of("z"), List.of("zc"), Attr.i("to", F64))
                .node("ReduceSum", List.of("zc"), List.of("zs"), Attr.i("keepdims", 0))
                .node("Mul", List.of("zs", "zero"), List.of("z0"))
                .node("Add", List.of("x", "z0"), List.of("y")).output("y");
        });
    }

    /** {@code xi = int32(10 |x|)} of type {@code type}, an integer tensor that follows x. */
    static void integerOf(TestGraph g, int type) {
        g.fixedValues("ten", new double[] {10}).node("Abs", List.of("x"), List.of("xa"))
            .node("Mul", List.of("xa", "ten"), List.of("x10")).node("Cast", List.of("x10"), List.of("xi"), Attr.i("to", type));
    }

    static void einsum(String equation, int opset, Consumer<TestGraph> inputs, String... names) {
        row("Einsum", equation, opset, F64, g -> {
            inputs.accept(g);
            g.node("Einsum", List.of(names), List.of("y"), Attr.s("equation", equation)).output("y");
        });
    }

    static void add() {
        // Einsum
        einsum("bij,bjk->bik", 12, g -> g.input("a", 2, 3, 4).input("b", 2, 4, 5), "a", "b");
        einsum("ij,j", 12, g -> g.input("a", 3, 4).input("b", 4), "a", "b");
        einsum("i,i->", 12, g -> g.input("a", 5).input("b", 5), "a", "b");
        einsum("...ii->...i", 12, g -> g.input("a", 2, 3, 3), "a");
        einsum("ijk->ki", 12, g -> g.input("a", 2, 3, 4), "a");
        einsum("bn,anm,bm->ba", 12, g -> g.input("x", 2, 3).input("w", 4, 3, 5).input("z", 2, 5), "x", "w", "z");
        // Reductions
        row("ReduceL1", "axes attribute, keepdims 0", 13, F64, g -> g.input("x", 2, 3, 4)
            .node("ReduceL1", List.of("x"), List.of("y"), Attr.ints("axes", 1), Attr.i("keepdims", 0)).output("y"));
        row("ReduceL1", "axes input", 18, F64, g -> g.input("x", 2, 3, 4).ints("axes", -1, 0)
            .node("ReduceL1", List.of("x", "axes"), List.of("y")).output("y"));
        row("ReduceL2", "axes attribute", 13, F64, g -> g.input("x", 2, 3, 4)
            .node("ReduceL2", List.of("x"), List.of("y"), Attr.ints("axes", 2)).output("y"));
        row("ReduceL2", "all axes, axes input absent", 18, F32, g -> g.input("x", 3, 4)
            .node("ReduceL2", List.of("x"), List.of("y"), Attr.i("keepdims", 0)).output("y"));
        row("ReduceLogSumExp", "axes attribute", 13, F64, g -> g.input("x", 2, 3, 4)
            .node("ReduceLogSumExp", List.of("x"), List.of("y"), Attr.ints("axes", 1)).output("y"));
        row("ReduceLogSumExp", "axes input, keepdims 0", 18, F64, g -> g.input("x", 2, 3, 4).ints("axes", -1)
            .node("ReduceLogSumExp", List.of("x", "axes"), List.of("y"), Attr.i("keepdims", 0)).output("y"));
        row("ReduceLogSum", "axes attribute", 13, F64, g -> g.domain(0.2, 2).input("x", 2, 3, 4)
            .node("ReduceLogSum", List.of("x"), List.of("y"), Attr.ints("axes", 1)).output("y"));
        row("ReduceLogSum", "axes input", 18, F64, g -> g.domain(0.2, 2).input("x", 2, 3, 4).ints("axes", 0, -1)
            .node("ReduceLogSum", List.of("x", "axes"), List.of("y"), Attr.i("keepdims", 0)).output("y"));
        row("ReduceSumSquare", "all axes keepdims 0", 13, F64, g -> g.input("x", 3, 4)
            .node("ReduceSumSquare", List.of("x"), List.of("y"), Attr.i("keepdims", 0)).output("y"));
        row("ReduceSumSquare", "axes input", 18, F64, g -> g.input("x", 2, 3, 4).ints("axes", 0, 2)
            .node("ReduceSumSquare", List.of("x", "axes"), List.of("y")).output("y"));
        row("ReduceProd", "axes attribute", 13, F64, g -> g.domain(0.5, 1.5).input("x", 2, 3, 4)
            .node("ReduceProd", List.of("x"), List.of("y"), Attr.ints("axes", 1)).output("y"));
        row("ReduceProd", "groups with no, one and two zeros", 18, F64, g -> g.input("x", 3, 4)
            .fixedValues("m", new double[] {1, 1, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1}, 3, 4).ints("axes", 1)
            .node("Mul", List.of("x", "m"), List.of("xm"))
            .node("ReduceProd", List.of("xm", "axes"), List.of("y"), Attr.i("keepdims", 0)).output("y"));
        row("ReduceMin", "axes attribute keepdims 0", 13, F64, g -> g.input("x", 2, 3, 4)
            .node("ReduceMin", List.of("x"), List.of("y"), Attr.ints("axes", 1), Attr.i("keepdims", 0)).output("y"));
        row("ReduceMin", "axes input", 18, F64, g -> g.input("x", 2, 3, 4).ints("axes", -1)
            .node("ReduceMin", List.of("x", "axes"), List.of("y")).output("y"));
        row("GlobalMaxPool", "", 13, F32, g -> g.input("x", 2, 2, 2, 3).node("GlobalMaxPool", List.of("x"), List.of("y")).output("y"));
        // Running sums, masks and block rearrangements
        for (int[] v : new int[][] {{0, 0}, {1, 0}, {0, 1}, {1, 1}}) {
            row("CumSum", "exclusive " + v[0] + " reverse " + v[1], 14, F64, g -> g.input("x", 3, 4)
                .ints("axis", new long[] {v[1] == 1 ? 0 : -1}, new long[0])
                .node("CumSum", List.of("x", "axis"), List.of("y"), Attr.i("exclusive", v[0]), Attr.i("reverse", v[1])).output("y"));
        }
        row("Trilu", "upper, k 1", 14, F64, g -> g.input("x", 2, 4, 4).ints("k", new long[] {1}, new long[0])
            .node("Trilu", List.of("x", "k"), List.of("y")).output("y"));
        row("Trilu", "lower, k -1, not square", 14, F64, g -> g.input("x", 3, 5).ints("k", new long[] {-1}, new long[0])
            .node("Trilu", List.of("x", "k"), List.of("y"), Attr.i("upper", 0)).output("y"));
        row("Trilu", "lower, no k", 14, F64, g -> g.input("x", 4, 4).node("Trilu", List.of("x"), List.of("y"), Attr.i("upper", 0)).output("y"));
        row("DepthToSpace", "DCR", 13, F64, g -> g.input("x", 2, 8, 2, 3)
            .node("DepthToSpace", List.of("x"), List.of("y"), Attr.i("blocksize", 2)).output("y"));
        row("DepthToSpace", "CRD", 13, F64, g -> g.input("x", 1, 8, 2, 3)
            .node("DepthToSpace", List.of("x"), List.of("y"), Attr.i("blocksize", 2), Attr.s("mode", "CRD")).output("y"));
        row("SpaceToDepth", "", 13, F64, g -> g.input("x", 2, 2, 4, 6)
            .node("SpaceToDepth", List.of("x"), List.of("y"), Attr.i("blocksize", 2)).output("y"));
        // Gathers, scatters, TopK
        row("GatherElements", "axis 1, repeated and negative indices", 13, F64, g -> g.input("x", 3, 4)
            .ints("idx", new long[] {0, 0, -1, 2, 3, 1}, 3, 2)
            .node("GatherElements", List.of("x", "idx"), List.of("y"), Attr.i("axis", 1)).output("y"));
        row("GatherElements", "axis 0, opset 16 scatter-add", 16, F64, g -> g.input("x", 3, 4)
            .ints("idx", new long[] {2, 0, 1, 2, 2, 1, 0, 0}, 2, 4)
            .node("GatherElements", List.of("x", "idx"), List.of("y")).output("y"));
        row("GatherND", "repeated index tuples", 13, F64, g -> g.input("x", 2, 3, 4)
            .ints("idx", new long[] {0, 1, 1, 2, 0, 1}, 3, 2).node("GatherND", List.of("x", "idx"), List.of("y")).output("y"));
        row("GatherND", "batch_dims 1", 13, F64, g -> g.input("x", 2, 3, 4).ints("idx", new long[] {1, 2}, 2, 1)
            .node("GatherND", List.of("x", "idx"), List.of("y"), Attr.i("batch_dims", 1)).output("y"));
        row("ScatterElements", "axis 1, data and updates", 13, F64, g -> g.input("data", 3, 4).input("upd", 3, 2)
            .ints("idx", new long[] {0, 2, -1, 1, 1, 0}, 3, 2)
            .node("ScatterElements", List.of("data", "idx", "upd"), List.of("y"), Attr.i("axis", 1)).output("y"));
        row("ScatterElements", "reduction add, repeated indices", 16, F64, g -> g.input("data", 3, 4).input("upd", 2, 4)
            .ints("idx", new long[] {1, 1, 0, 2, 1, 1, 2, 2}, 2, 4)
            .node("ScatterElements", List.of("data", "idx", "upd"), List.of("y"), Attr.s("reduction", "add")).output("y"));
        row("ScatterND", "rows", 13, F64, g -> g.input("data", 4, 3).input("upd", 2, 3).ints("idx", new long[] {1, 3}, 2, 1)
            .node("ScatterND", List.of("data", "idx", "upd"), List.of("y")).output("y"));
        row("ScatterND", "reduction add, repeated elements", 16, F64, g -> g.input("data", 2, 3, 2).input("upd", 3, 2)
            .ints("idx", new long[] {0, 1, 0, 1, 1, 2}, 3, 2)
            .node("ScatterND", List.of("data", "idx", "upd"), List.of("y"), Attr.s("reduction", "add")).output("y"));
        row("ScatterND", "reduction mul, distinct slices", 16, F64, g -> g.input("data", 2, 3, 2).input("upd", 2, 2)
            .ints("idx", new long[] {0, 1, 1, 2}, 2, 2)
            .node("ScatterND", List.of("data", "idx", "upd"), List.of("y"), Attr.s("reduction", "mul")).output("y"));
        row("TopK", "largest along the last axis", 11, F64, g -> g.input("x", 3, 5).ints("k", 2)
            .node("TopK", List.of("x", "k"), List.of("y", "i")).output("y"));
        row("TopK", "smallest along axis 0", 13, F32, g -> g.input("x", 4, 3).ints("k", 3)
            .node("TopK", List.of("x", "k"), List.of("y", "i"), Attr.i("axis", 0), Attr.i("largest", 0)).output("y"));
        // Trigonometric and hyperbolic functions, activations
        unary("Tan", 13, F32, -1.2, 1.2);
        unary("Atan", 13, F32, -3, 3);
        unary("Asin", 13, F32, -0.9, 0.9);
        unary("Acos", 13, F32, -0.9, 0.9);
        unary("Sinh", 13, F32, -2, 2);
        unary("Cosh", 13, F32, -2, 2);
        unary("Asinh", 13, F32, -3, 3);
        unary("Acosh", 13, F32, 1.2, 3);
        unary("Atanh", 13, F32, -0.9, 0.9);
        unary("Softsign", 13, F32, -3, 3);
        unary("Celu", 12, F32, -2, 2, Attr.f("alpha", 0.8));
        unary("Mish", 18, F32, -3, 3);
        unary("ThresholdedRelu", 13, F32, -2, 2, Attr.f("alpha", 0.5));
        unary("Shrink", 13, F32, -2, 2, Attr.f("lambd", 0.6), Attr.f("bias", 0.3));
        row("Mod", "fmod, [3,4] with [4]", 13, F64, g -> g.domain(-3, 3).input("a", 3, 4).domain(0.7, 2).input("b", 4)
            .node("Mod", List.of("a", "b"), List.of("y"), Attr.i("fmod", 1)).output("y"));
        row("CastLike", "float32 -> float64 -> float32", 15, F32, g -> {
            g.input("x", 3, 4);
            g.initializers.add(TensorProtos.floats("double", F64, new double[] {0}, 1));
            g.fixed("single", 1).node("CastLike", List.of("x", "double"), List.of("h")).node("Tanh", List.of("h"), List.of("t"))
                .node("CastLike", List.of("t", "single"), List.of("y")).output("y");
        });
        // Max, Min, Mean, Sum: variadic and broadcasting
        row("Max", "three inputs broadcast", 13, F64, g -> g.input("a", 2, 1, 4).input("b", 3, 1).input("c", 4)
            .node("Max", List.of("a", "b", "c"), List.of("y")).output("y"));
        row("Max", "tied inputs share the derivative", 13, F64, g -> g.input("a", 3, 4)
            .node("Max", List.of("a", "a"), List.of("y")).output("y"));
        row("Max", "one input", 13, F64, g -> g.input("a", 3, 4).node("Max", List.of("a"), List.of("y")).output("y"));
        row("Min", "[2,1,4] with [3,1]", 13, F64, g -> g.input("a", 2, 1, 4).input("b", 3, 1)
            .node("Min", List.of("a", "b"), List.of("y")).output("y"));
        row("Mean", "three inputs broadcast", 13, F32, g -> g.input("a", 2, 1, 4).input("b", 3, 1).input("c", 4)
            .node("Mean", List.of("a", "b", "c"), List.of("y")).output("y"));
        row("Sum", "one input", 13, F64, g -> g.input("a", 3, 4).node("Sum", List.of("a"), List.of("y")).output("y"));
        // Normalisations
        row("GroupNormalization", "per-group scale (opset 18)", 18, F32, g -> g.input("x", 2, 4, 3).fixed("scale", 2).fixed("bias", 2)
            .node("GroupNormalization", List.of("x", "scale", "bias"), List.of("y"), Attr.i("num_groups", 2)).output("y"));
        row("GroupNormalization", "per-channel scale (opset 21)", 21, F32, g -> g.input("x", 2, 6, 2, 2).fixed("scale", 6)
            .fixed("bias", 6).node("GroupNormalization", List.of("x", "scale", "bias"), List.of("y"), Attr.i("num_groups", 3),
                Attr.f("epsilon", 1e-3)).output("y"));
        row("LpNormalization", "p 2, axis 1", 13, F64, g -> g.input("x", 3, 4)
            .node("LpNormalization", List.of("x"), List.of("y"), Attr.i("axis", 1)).output("y"));
        row("LpNormalization", "p 1, axis 0", 13, F64, g -> g.input("x", 3, 4)
            .node("LpNormalization", List.of("x"), List.of("y"), Attr.i("axis", 0), Attr.i("p", 1)).output("y"));
        row("MeanVarianceNormalization", "default axes", 13, F32, g -> g.input("x", 2, 3, 2, 2)
            .node("MeanVarianceNormalization", List.of("x"), List.of("y")).output("y"));
        row("MeanVarianceNormalization", "axes 1", 13, F32, g -> g.input("x", 3, 4)
            .node("MeanVarianceNormalization", List.of("x"), List.of("y"), Attr.ints("axes", 1)).output("y"));
        // Integer, boolean and random operators: no derivative
        noDerivative("BitShift", 13, g -> {
            integerOf(g, 2);
            g.initializers.add(typed("one", 2, new long[] {1}, 1));
            g.node("BitShift", List.of("xi", "one"), List.of("z"), Attr.s("direction", "LEFT"));
        });
        for (String op : List.of("BitwiseAnd", "BitwiseOr", "BitwiseXor")) {
            noDerivative(op, 18, g -> {
                integerOf(g, 6);
                g.initializers.add(typed("five", 6, new long[] {5}, 1));
                g.node(op, List.of("xi", "five"), List.of("z"));
            });
        }
        noDerivative("BitwiseNot", 18, g -> {
            integerOf(g, 6);
            g.node("BitwiseNot", List.of("xi"), List.of("z"));
        });
        noDerivative("NonZero", 13, g -> g.fixed("f", 4).node("Greater", List.of("x", "f"), List.of("l"))
            .node("NonZero", List.of("l"), List.of("z")));
        noDerivative("EyeLike", 13, g -> g.node("EyeLike", List.of("x"), List.of("z"), Attr.i("k", 1)));
        noDerivative("Hardmax", 13, g -> g.node("Cast", List.of("x"), List.of("xf"), Attr.i("to", F32))
            .node("Hardmax", List.of("xf"), List.of("z")));
        noDerivative("RandomNormalLike", 13, g -> g.node("RandomNormalLike", List.of("x"), List.of("z")));
        noDerivative("RandomUniformLike", 13, g -> g.node("RandomUniformLike", List.of("x"), List.of("z")));
        noDerivative("RandomNormal", 13, g -> g.node("RandomNormal", List.of(), List.of("z"), Attr.ints("shape", 2, 2)));
        noDerivative("RandomUniform", 13, g -> g.node("RandomUniform", List.of(), List.of("z"), Attr.ints("shape", 2, 2)));
        noDerivative("Bernoulli", 15, g -> g.node("Sigmoid", List.of("x"), List.of("p")).node("Bernoulli", List.of("p"), List.of("z")));
        for (String window : List.of("HannWindow", "HammingWindow", "BlackmanWindow")) {
            noDerivative(window, 17, g -> g.ints("n", new long[] {5}, new long[0]).node(window, List.of("n"), List.of("z")));
        }
    }
}
