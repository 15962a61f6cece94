package org.jacobi.autodiff;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Operators in the forms of old opsets (attributes that later became inputs, Upsample, coerced Softmax,
 * BatchNormalization's old attributes, IR versions 3 to 7), checked exactly as the operator table checks
 * the current forms: forward mode against central differences, reverse against forward, the dot-product test.
 */
class OpsetTableTest {
    static final int F64 = OperatorTableTest.F64;
    static final int F32 = OperatorTableTest.F32;
    static final List<OperatorTableTest.Row> ROWS = new ArrayList<>();

    static void row(String op, String variant, int opset, int type, Consumer<TestGraph> g) {
        ROWS.add(new OperatorTableTest.Row(op, variant, opset, type, type == F64 ? 1e-5 : 3e-3, g));
    }

    static {
        row("Slice", "starts ends axes attributes", 9, F64, g -> g.input("x", 4, 5)
            .node("Slice", List.of("x"), List.of("y"), Attr.ints("starts", 1, -4), Attr.ints("ends", 3, 100), Attr.ints("axes", 0, 1))
            .output("y"));
        row("Slice", "no axes, IR 3", 7, F64, g -> g.irVersion(3).input("x", 4, 5)
            .node("Slice", List.of("x"), List.of("y"), Attr.ints("starts", 1, 0), Attr.ints("ends", 3, 4)).output("y"));
        row("Pad", "pads and value attributes", 9, F64, g -> g.input("x", 2, 3)
            .node("Pad", List.of("x"), List.of("y"), Attr.ints("pads", 1, 0, 0, 2), Attr.f("value", 0.5)).output("y"));
        row("Pad", "reflect attribute", 10, F64, g -> g.input("x", 3, 4)
            .node("Pad", List.of("x"), List.of("y"), Attr.ints("pads", 0, 2, 1, 1), Attr.s("mode", "reflect")).output("y"));
        row("Pad", "edge, float32", 8, F32, g -> g.input("x", 3, 4)
            .node("Pad", List.of("x"), List.of("y"), Attr.ints("pads", 1, 1, 0, 2), Attr.s("mode", "edge")).output("y"));
        row("Split", "split attribute", 9, F64, g -> g.input("x", 5, 2)
            .node("Split", List.of("x"), List.of("y1", "y2"), Attr.ints("split", 3, 2)).output("y1").output("y2"));
        row("Split", "equal parts", 13, F64, g -> g.input("x", 2, 6)
            .node("Split", List.of("x"), List.of("y1", "y2", "y3"), Attr.i("axis", 1)).output("y1").output("y3"));
        row("Squeeze", "axes attribute", 9, F64, g -> g.input("x", 3, 1, 4)
            .node("Squeeze", List.of("x"), List.of("y"), Attr.ints("axes", 1)).output("y"));
        row("Unsqueeze", "axes attribute", 7, F64, g -> g.input("x", 3, 4)
            .node("Unsqueeze", List.of("x"), List.of("y"), Attr.ints("axes", 0, 3)).output("y"));
        row("Clip", "min and max attributes", 9, F32, g -> g.input("x", 3, 4)
            .node("Clip", List.of("x"), List.of("y"), Attr.f("min", -0.5), Attr.f("max", 0.7)).output("y"));
        row("Clip", "max attribute only, float32", 7, F32, g -> g.input("x", 3, 4)
            .node("Clip", List.of("x"), List.of("y"), Attr.f("max", 0.45)).output("y"));
        row("ReduceSum", "axes attribute", 11, F64, g -> g.input("x", 2, 3, 4)
            .node("ReduceSum", List.of("x"), List.of("y"), Attr.ints("axes", -1, 0)).output("y"));
        row("ReduceMean", "axes attribute", 9, F64, g -> g.input("x", 2, 3, 4)
            .node("ReduceMean", List.of("x"), List.of("y"), Attr.ints("axes", 1), Attr.i("keepdims", 0)).output("y"));
        row("ReduceMax", "axes attribute", 13, F64, g -> g.input("x", 2, 3, 4)
            .node("ReduceMax", List.of("x"), List.of("y"), Attr.ints("axes", 2)).output("y"));
        row("Dropout", "ratio attribute, mask output", 9, F64, g -> g.input("x", 3, 4)
            .node("Dropout", List.of("x"), List.of("y", "mask"), Attr.f("ratio", 0.3)).output("y"));
        row("Dropout", "ratio attribute", 11, F64, g -> g.input("x", 3, 4)
            .node("Dropout", List.of("x"), List.of("y"), Attr.f("ratio", 0.3)).output("y"));
        row("BatchNormalization", "spatial attribute, IR 3", 7, F32, g -> g.irVersion(3).input("x", 2, 3, 2, 2).fixed("scale", 3)
            .fixed("bias", 3).fixed("mean", 3).domain(0.5, 2).fixed("var", 3)
            .node("BatchNormalization", List.of("x", "scale", "bias", "mean", "var"), List.of("y"), Attr.f("epsilon", 1e-3),
                Attr.i("spatial", 1)).output("y"));
        row("Upsample", "nearest, scales attribute", 7, F32, g -> g.input("x", 2, 2, 3, 2)
            .node("Upsample", List.of("x"), List.of("y"), Attr.s("mode", "nearest"), Attr.floats("scales", 1, 1, 2, 3)).output("y"));
        row("Upsample", "nearest, scales input", 9, F32, g -> g.input("x", 1, 2, 2, 3).fixedValues("s", new double[] {1, 1, 2, 2}, 4)
            .node("Upsample", List.of("x", "s"), List.of("y")).output("y"));
        row("Resize", "opset 10 form", 10, F32, g -> g.input("x", 1, 2, 2, 3).fixedValues("s", new double[] {1, 1, 3, 2}, 4)
            .node("Resize", List.of("x", "s"), List.of("y"), Attr.s("mode", "nearest")).output("y"));
        row("Softmax", "coerced axis 1 (not last)", 9, F64, g -> g.input("x", 2, 3, 4)
            .node("Softmax", List.of("x"), List.of("y"), Attr.i("axis", 1)).output("y"));
        row("Softmax", "coerced, last axis", 11, F64, g -> g.input("x", 2, 3, 4)
            .node("Softmax", List.of("x"), List.of("y"), Attr.i("axis", 2)).output("y"));
        row("LogSoftmax", "coerced default axis", 7, F64, g -> g.input("x", 2, 3, 4)
            .node("LogSoftmax", List.of("x"), List.of("y")).output("y"));
        row("MaxPool", "overlapping, opset 8", 8, F32, g -> g.input("x", 1, 2, 5, 5)
            .node("MaxPool", List.of("x"), List.of("y"), Attr.ints("kernel_shape", 3, 3), Attr.ints("strides", 2, 2)).output("y"));
        row("Gemm", "opset 7", 7, F64, g -> g.input("a", 3, 5).input("b", 5, 4).input("c", 4)
            .node("Gemm", List.of("a", "b", "c"), List.of("y"), Attr.f("beta", 0.5)).output("y"));
        row("Conv", "opset 9 with Sigmoid and Flatten", 9, F32, g -> g.input("x", 2, 2, 5, 5).fixed("w", 3, 2, 3, 3)
            .node("Conv", List.of("x", "w"), List.of("c"), Attr.ints("pads", 1, 1, 1, 1)).node("Sigmoid", List.of("c"), List.of("r"))
            .node("Flatten", List.of("r"), List.of("y")).output("y"));
        // Edge cases of the current forms: overhanging and dilated pooling windows, transposed convolutions
        // whose pads come from auto_pad or output_shape.
        row("AveragePool", "ceil_mode, count_include_pad 0", 13, F32, g -> g.input("x", 1, 2, 6, 6)
            .node("AveragePool", List.of("x"), List.of("y"), Attr.ints("kernel_shape", 3, 3), Attr.ints("strides", 2, 2),
                Attr.i("ceil_mode", 1)).output("y"));
        row("AveragePool", "ceil_mode with pads, count_include_pad 1", 13, F32, g -> g.input("x", 1, 2, 6, 7)
            .node("AveragePool", List.of("x"), List.of("y"), Attr.ints("kernel_shape", 3, 2), Attr.ints("strides", 2, 2),
                Attr.ints("pads", 1, 0, 1, 0), Attr.i("ceil_mode", 1), Attr.i("count_include_pad", 1)).output("y"));
        row("AveragePool", "SAME_UPPER", 13, F32, g -> g.input("x", 1, 2, 5, 5)
            .node("AveragePool", List.of("x"), List.of("y"), Attr.ints("kernel_shape", 3, 3), Attr.ints("strides", 2, 2),
                Attr.s("auto_pad", "SAME_UPPER")).output("y"));
        row("AveragePool", "dilations (opset 19)", 19, F32, g -> g.input("x", 1, 2, 6, 6)
            .node("AveragePool", List.of("x"), List.of("y"), Attr.ints("kernel_shape", 2, 2), Attr.ints("dilations", 2, 2))
            .output("y"));
        row("MaxPool", "ceil_mode", 13, F64, g -> g.input("x", 1, 2, 6, 6)
            .node("MaxPool", List.of("x"), List.of("y"), Attr.ints("kernel_shape", 3, 3), Attr.ints("strides", 2, 2),
                Attr.i("ceil_mode", 1)).output("y"));
        row("ConvTranspose", "auto_pad SAME_UPPER", 13, F32, g -> g.input("x", 1, 2, 3, 3).fixed("w", 2, 3, 3, 3)
            .node("ConvTranspose", List.of("x", "w"), List.of("y"), Attr.ints("strides", 2, 2), Attr.s("auto_pad", "SAME_UPPER"))
            .output("y"));
        row("ConvTranspose", "auto_pad SAME_LOWER", 13, F32, g -> g.input("x", 1, 2, 3, 3).fixed("w", 2, 3, 3, 3)
            .node("ConvTranspose", List.of("x", "w"), List.of("y"), Attr.ints("strides", 2, 2), Attr.s("auto_pad", "SAME_LOWER"))
            .output("y"));
        row("ConvTranspose", "output_shape", 13, F32, g -> g.input("x", 1, 2, 3, 3).fixed("w", 2, 3, 3, 3)
            .node("ConvTranspose", List.of("x", "w"), List.of("y"), Attr.ints("strides", 2, 2), Attr.ints("output_shape", 6, 7))
            .output("y"));
        row("ConvTranspose", "output_padding without pads", 13, F32, g -> g.input("x", 1, 2, 3, 3).fixed("w", 2, 1, 2, 2)
            .node("ConvTranspose", List.of("x", "w"), List.of("y"), Attr.ints("strides", 3, 2), Attr.ints("output_padding", 2, 1))
            .output("y"));
        row("Pad", "constant value differentiated", 13, F64, g -> g.input("x", 2, 3).ints("pads", 1, 0, 0, 2).input("v")
            .node("Pad", List.of("x", "pads", "v"), List.of("y")).output("y"));
        row("MaxPool", "column-major Indices output (storage_order 1)", 12, F64, g -> g.input("x", 1, 1, 5, 5)
            .node("MaxPool", List.of("x"), List.of("y", "i"), Attr.ints("kernel_shape", 2, 2), Attr.ints("strides", 2, 2),
                Attr.i("storage_order", 1)).output("y"));
        row("ConvTranspose", "output_shape beyond the full size", 13, F32, g -> g.input("x", 1, 1, 3, 3).fixed("w", 1, 2, 3, 3)
            .node("ConvTranspose", List.of("x", "w"), List.of("y"), Attr.ints("strides", 3, 2), Attr.ints("output_shape", 10, 8))
            .output("y"));
    }

    static Stream<OperatorTableTest.Row> rows() {
        return ROWS.stream();
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void derivativesAreRight(OperatorTableTest.Row row) throws Exception {
        OperatorTableTest.checkRow(row, dir);
    }
}
