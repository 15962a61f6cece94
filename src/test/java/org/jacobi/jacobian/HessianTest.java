package org.jacobi.jacobian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.jacobi.TestFiles;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Per-sample Hessians of both engines against PyTorch float64 torch.autograd.functional.hessian
 * (scripts/make_hessian_references.py), within 1e-4 of the largest entry; symmetry; Hessian-vector products.
 */
class HessianTest {
    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String format : new String[] {"onnx", "pt"}) {
            for (String name : new String[] {"mlp_tanh", "mlp_relu_softmax", "decoder_sigmoid", "norm_mlp", "attention_block"}) {
                for (String target : new String[] {"e0", "sum"}) {
                    if (name.equals("mlp_relu_softmax") && target.equals("sum")) {
                        continue; // softmax outputs sum to one: that Hessian is zero up to rounding (checked below)
                    }
                    b.add(Arguments.of(name, format, target));
                }
            }
        }
        return b.build();
    }

    static Path modelFile(String name, String format) {
        boolean fixture = isFixture(name);
        if (format.equals("onnx")) {
            return fixture ? TestFiles.fixture(name + ".onnx") : TestFiles.resource("models/" + name + ".onnx");
        }
        return fixture ? TestFiles.fixture(name + ".pt") : TestFiles.resource("hessian/" + name + ".pt");
    }

    static boolean isFixture(String name) {
        return name.startsWith("mlp") || name.startsWith("decoder") || name.startsWith("cnn");
    }

    static Tensor input(String name) {
        boolean fixture = isFixture(name);
        return Npy.read(fixture ? TestFiles.fixture(name + ".input.npy") : TestFiles.resource("models/" + name + ".input.npy"));
    }

    static HessianResult hessian(String name, String format, HessianRequest request) {
        try (Model model = ModelLoader.load(modelFile(name, format)); HessianEngine engine = Hessians.engineFor(model)) {
            return engine.compute(request, ProgressMonitor.NONE);
        }
    }

    @ParameterizedTest(name = "{0}.{1} {2}")
    @MethodSource("cases")
    void matchesPyTorchFloat64(String name, String format, String target) {
        Tensor x = input(name);
        HessianRequest request = HessianRequest.of(Map.of("x", x)).withElement(target.equals("sum") ? HessianRequest.SUM : 0);
        HessianResult r = hessian(name, format, request);
        Tensor expected = Npy.read(TestFiles.resource("hessian/" + name + ".hessian." + target + ".npy"));
        assertArrayEquals(expected.shape(), r.hessian().shape());
        double max = maxAbs(expected.toDoubleArray());
        assertTrue(max > 1e-6, "the reference Hessian is not trivially zero");
        double err = maxDiff(expected.toDoubleArray(), r.hessian().toDoubleArray());
        assertTrue(err <= 1e-4 * max, name + "." + format + " " + target + ": max error " + err + " vs max entry " + max);
        // symmetric to float32 rounding
        int n = r.inputsPerSample();
        float[] h = r.hessian().floats();
        double asym = 0;
        for (int s = 0; s < r.samples(); s++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    asym = Math.max(asym, Math.abs(h[(s * n + i) * n + j] - h[(s * n + j) * n + i]));
                }
            }
        }
        assertTrue(asym <= 1e-5 * max, "asymmetry " + asym + " vs max entry " + max);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void hessianVectorProductsAreHessianTimesVector(String format) {
        Tensor x = input("mlp_tanh");
        double[] v = new double[8];
        for (int i = 0; i < 8; i++) {
            v[i] = Math.sin(i + 1.0);
        }
        HessianRequest request = HessianRequest.of(Map.of("x", x)).withVector(Tensor.ofDoubles(v, 8));
        HessianResult r = hessian("mlp_tanh", format, request);
        assertTrue(r.vectorProduct());
        assertArrayEquals(new long[] {4, 8}, r.hessian().shape());
        double[] h = Npy.read(TestFiles.resource("hessian/mlp_tanh.hessian.e0.npy")).toDoubleArray();
        double[] got = r.hessian().toDoubleArray();
        double max = maxAbs(h);
        for (int s = 0; s < 4; s++) {
            for (int i = 0; i < 8; i++) {
                double want = 0;
                for (int j = 0; j < 8; j++) {
                    want += h[(s * 8 + i) * 8 + j] * v[j];
                }
                assertEquals(want, got[s * 8 + i], 1e-4 * max);
            }
        }
    }

    static Stream<String> formats() {
        return Stream.of("onnx", "pt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void softmaxSumHasZeroHessian(String format) {
        HessianRequest request = HessianRequest.of(Map.of("x", input("mlp_relu_softmax"))).withElement(HessianRequest.SUM);
        HessianResult r = hessian("mlp_relu_softmax", format, request);
        double ref = maxAbs(Npy.read(TestFiles.resource("hessian/mlp_relu_softmax.hessian.e0.npy")).toDoubleArray());
        assertTrue(maxAbs(r.hessian().toDoubleArray()) <= 1e-5 * ref);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("formats")
    void piecewiseLinearModelHasZeroHessian(String format) {
        Tensor x = Npy.read(TestFiles.fixture("cnn_small.input.npy")).sliceRows(0, 2);
        HessianRequest request = HessianRequest.of(Map.of("x", x)).withElement(3);
        HessianResult r = hessian("cnn_small", format, request);
        assertArrayEquals(new long[] {2, 1, 28, 28, 1, 28, 28}, r.hessian().shape());
        assertEquals(0.0, maxAbs(r.hessian().toDoubleArray()), 0.0);
        assertTrue(maxAbs(r.gradient().toDoubleArray()) > 0, "the gradient is not zero");
    }

    @Test
    void aHessianOverTheBudgetSaysHowLargeAndWhatToDo() {
        Tensor x = input("mlp_relu_softmax");
        JacobiException e = assertThrows(JacobiException.class,
            () -> hessian("mlp_relu_softmax", "onnx", HessianRequest.of(Map.of("x", x)).withMaxMemory(10_000)));
        assertTrue(e.getMessage().contains("64.0 KiB") && e.getMessage().contains("--vector"), e.getMessage());
    }

    @Test
    void anElementOutOfRangeIsAUsageError() {
        JacobiException e = assertThrows(JacobiException.class,
            () -> hessian("mlp_tanh", "onnx", HessianRequest.of(Map.of("x", input("mlp_tanh"))).withElement(4)));
        assertTrue(e.getMessage().contains("0 to 3"), e.getMessage());
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    static double maxDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
