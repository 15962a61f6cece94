package org.jacobi.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.onnx.OnnxJacobianEngine;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operator table at saturating inputs, in float32. Central differences of ONNX Runtime's own float32 operators
 * cannot judge these (its Sigmoid is accurate only in absolute terms), so each row carries its float64 Jacobian in
 * closed form, evaluated at the float32 inputs. Every sample holds inputs of one saturation level (x near +12, -12,
 * +20, -20, +40, -40; a softmax with one dominant class among thousands), and every sample's Jacobian, forward and
 * reverse, and its vector-Jacobian product must agree with the reference to float32 rounding measured against that
 * sample's own largest entry.
 */
class SaturationTableTest {
    private static final int F32 = 1;
    /** Float32 rounding, measured against the sample's own largest entry. */
    private static final double TOLERANCE = 1e-5;

    /** The float64 Jacobian {@code [n_out, n_in]} of one sample, given that sample's inputs. */
    @FunctionalInterface
    interface Reference {
        double[] jacobian(double[] x);
    }

    record Row(String name, int opset, long[] shape, double[] x, String op, Onnx.AttributeProto[] attrs, Reference reference) {
        @Override
        public String toString() {
            return name + " (opset " + opset + ")";
        }
    }

    static final List<Row> ROWS = new ArrayList<>();

    /** Six samples of four inputs each, near +12, -12, +20, -20, +40 and -40 (times {@code scale}). */
    static void unary(String op, double scale, DoubleUnaryOperator derivative, Onnx.AttributeProto... attrs) {
        double[] levels = {12, -12, 20, -20, 40, -40};
        double[] x = new double[levels.length * 4];
        for (int s = 0; s < levels.length; s++) {
            for (int i = 0; i < 4; i++) {
                x[s * 4 + i] = scale * levels[s] * (1 + 0.02 * i);
            }
        }
        String variant = attrs.length == 0 ? "" : " " + attrs[0].getName();
        ROWS.add(new Row(op + variant, 13, new long[] {levels.length, 4}, x, op, attrs, v -> {
            double[] j = new double[v.length * v.length];
            for (int i = 0; i < v.length; i++) {
                j[i * v.length + i] = derivative.applyAsDouble(v[i]);
            }
            return j;
        }));
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    static double sech2(double x) {
        double c = Math.cosh(x);
        return 1 / (c * c);
    }

    /**
     * Samples of {@code classes} logits, each with one dominant class (index s mod classes) and the others near
     * {@code others[s]}, so that the dominant probability is {@code 1 - classes * exp(others[s])} or so.
     */
    static double[] dominated(int classes, double... others) {
        Random random = new Random(classes);
        double[] x = new double[others.length * classes];
        for (int s = 0; s < others.length; s++) {
            for (int i = 0; i < classes; i++) {
                x[s * classes + i] = i == s % classes ? 0 : others[s] + random.nextDouble() - 0.5;
            }
        }
        return x;
    }

    /** The probabilities of one sample in float64, and at the dominant class also one minus it, from the others. */
    static double[][] softmax(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        int m = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] > max) {
                max = x[i];
                m = i;
            }
        }
        double[] p = new double[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            p[i] = Math.exp(x[i] - max);
            sum += p[i];
        }
        double others = 0;
        for (int i = 0; i < x.length; i++) {
            p[i] /= sum;
            others += i == m ? 0 : p[i];
        }
        double[] oneMinus = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            oneMinus[i] = i == m ? others : 1 - p[i];
        }
        return new double[][] {p, oneMinus};
    }

    /** d softmax_i / d x_j = p_i (delta_ij - p_j), or for LogSoftmax delta_ij - p_j; 1 - p_i from the others. */
    static double[] normalisedJacobian(double[] x, boolean log) {
        double[][] q = softmax(x);
        int n = x.length;
        double[] j = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double d = i == k ? q[1][i] : -q[0][k];
                j[i * n + k] = log ? d : q[0][i] * d;
            }
        }
        return j;
    }

    /** Softmax and LogSoftmax over the last axis of {@code shape}, whose samples are dominated as given. */
    static void normalised(String variant, int opset, long[] shape, double[] x, Onnx.AttributeProto... attrs) {
        ROWS.add(new Row("Softmax " + variant, opset, shape, x, "Softmax", attrs, v -> normalisedJacobian(v, false)));
        ROWS.add(new Row("LogSoftmax " + variant, opset, shape, x, "LogSoftmax", attrs, v -> normalisedJacobian(v, true)));
    }

    static {
        unary("Sigmoid", 1, x -> sigmoid(x) * sigmoid(-x));
        unary("Tanh", 1, SaturationTableTest::sech2);
        unary("Softplus", 1, SaturationTableTest::sigmoid);
        unary("Elu", 1, x -> x > 0 ? 1 : 0.7 * Math.exp(x), Attr.f("alpha", 0.7));
        unary("Selu", 1, x -> x > 0 ? 1.05070102214813232421875 : 1.05070102214813232421875 * 1.67326319217681884765625 * Math.exp(x));
        unary("Celu", 1, x -> x > 0 ? 1 : Math.exp(x / 0.8), Attr.f("alpha", 0.8));
        unary("Mish", 1, x -> {
            double sp = Math.log1p(Math.exp(x));
            return Math.tanh(sp) + x * sech2(sp) * sigmoid(x);
        });
        // erf'(x) = 2 exp(-x^2) / sqrt(pi) leaves float32 below |x| = 9: near 2.7, 4.5 and 9
        unary("Erf", 0.225, x -> 2 / Math.sqrt(Math.PI) * Math.exp(-x * x));
        // 2,000 classes: the dominant one at p = 0.9975 (others near -13.6) and at p = 1 - 2e-8 (others near -25)
        normalised("2,000 classes, one dominant", 13, new long[] {2, 2000}, dominated(2000, -13.6, -25));
        // ten classes: the sums run as a MatMul with a ones matrix
        normalised("10 classes, one dominant", 13, new long[] {3, 10}, dominated(10, -12, -20, -6));
        normalised("coerced to 2-D, 12 classes, one dominant", 11, new long[] {2, 3, 4}, dominated(12, -14, -22),
            Attr.i("axis", 1));
    }

    static Stream<Row> rows() {
        return ROWS.stream();
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void everySampleIsAccurateWhereOutputsSaturate(Row row) throws Exception {
        TestGraph g = new TestGraph(row.opset(), F32, 1).dynamicBatch().input("x", row.x(), row.shape())
            .node(row.op(), List.of("x"), List.of("y"), row.attrs()).output("y");
        Path file = g.write(dir, "model");
        Tensor x = g.values().get("x");
        try (OnnxModel model = OnnxModel.load(file, DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianRequest request = new JacobianRequest(g.values(), "x", "y", BatchAxis.ZERO, JacobianMode.FORWARD, 0);
            JacobianResult forward = engine.compute(request, ProgressMonitor.NONE);
            JacobianResult reverse = engine.compute(request.withMode(JacobianMode.REVERSE), ProgressMonitor.NONE);
            int samples = (int) row.shape()[0];
            int n = x.size() / samples;
            double[] xs = x.toDoubleArray();
            double[] cotangent = new Random(3).doubles(x.size(), -1, 1).toArray();
            Tensor vjp = engine.vectorJacobianProduct(request.withMode(JacobianMode.REVERSE),
                Tensor.ofDoubles(cotangent, x.shape()).asType(x.type()), ProgressMonitor.NONE);
            for (int s = 0; s < samples; s++) {
                double[] reference = row.reference().jacobian(Arrays.copyOfRange(xs, s * n, (s + 1) * n));
                String what = row + " sample " + s;
                assertRelative(what + " forward", forward.sampleMatrix(s), reference);
                assertRelative(what + " reverse", reverse.sampleMatrix(s), reference);
                double[] expected = new double[n];
                for (int o = 0; o < n; o++) {
                    for (int i = 0; i < n; i++) {
                        expected[i] += cotangent[s * n + o] * reference[o * n + i];
                    }
                }
                double[] actual = new double[n];
                for (int i = 0; i < n; i++) {
                    actual[i] = vjp.getDouble(s * n + i);
                }
                assertRelative(what + " vector-Jacobian product", actual, expected);
            }
        }
    }

    /** Every entry within {@link #TOLERANCE} of the reference's largest entry; that entry must be nonzero. */
    static void assertRelative(String what, double[] actual, double[] expected) {
        double largest = Arrays.stream(expected).map(Math::abs).max().orElse(0);
        assertTrue(largest > 0, what + ": the reference is zero; the row tests nothing");
        OperatorTableTest.assertClose(what + " (largest entry " + largest + ")", actual, expected, TOLERANCE * largest);
    }
}
