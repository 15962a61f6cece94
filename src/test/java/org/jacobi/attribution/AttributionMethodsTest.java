package org.jacobi.attribution;

import static org.jacobi.TestFiles.fixture;
import static org.jacobi.TestFiles.resource;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jacobi.analysis.OutputTarget;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every method against a float64 PyTorch evaluation of the same formula (scripts/make_attribution_references.py),
 * on the ONNX and the TorchScript file of the same fixture, to float32 rounding.
 */
class AttributionMethodsTest {
    /** float32 rounding, relative to the reference's largest entry. */
    static final double TOLERANCE = 1e-5;

    static Tensor ref(String name) {
        return Npy.read(resource("attribution/" + name));
    }

    static void assertClose(Tensor expected, double[] actual, double tolerance, String what) {
        double[] e = expected.toDoubleArray();
        assertEquals(e.length, actual.length, what + ": size");
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            scale = Math.max(scale, Math.abs(e[i]));
            worst = Math.max(worst, Math.abs(e[i] - actual[i]));
        }
        assertTrue(scale > 0, what + ": the reference is all zero");
        assertTrue(worst <= tolerance * scale, what + ": error " + worst + " against largest entry " + scale);
    }

    /** Runs {@code method} on the fixture {@code name} (format {@code ext}) for target {@code of}. */
    static Attribution run(String name, String ext, String of, AttributionMethod method, long maxMemory) {
        try (Model model = ModelLoader.load(fixture(name + "." + ext)); ModelDerivatives d = new ModelDerivatives(model)) {
            return method.attribute(problem(model, d.exact(), inputs(name), of, maxMemory), 0, ProgressMonitor.NONE);
        }
    }

    static AttributionProblem problem(Model model, JacobianEngine engine, Map<String, Tensor> inputs, String of, long maxMemory) {
        return AttributionProblem.of(model, engine, inputs, null, OutputTarget.parse(of, null, null), maxMemory);
    }

    static Map<String, Tensor> inputs(String name) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        if (name.equals("two_inputs")) {
            in.put("x1", Npy.read(fixture("two_inputs.input.x1.npy")));
            in.put("x2", Npy.read(fixture("two_inputs.input.x2.npy")));
        } else {
            in.put("x", Npy.read(fixture(name + ".input.npy")));
        }
        return in;
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void gradientMethodsMatchPyTorch(String ext) {
        assertClose(ref("mlp_tanh.saliency.npy"), run("mlp_tanh", ext, "[2]", new GradientSaliency(false), 0).values(), TOLERANCE, "saliency");
        assertClose(ref("mlp_tanh.gradxinput.npy"), run("mlp_tanh", ext, "[2]", new InputXGradient(), 0).values(), TOLERANCE,
            "gradxinput");
        assertClose(ref("cnn_small.saliency_top.npy"), run("cnn_small", ext, "[top]", new GradientSaliency(false), 0).values(), TOLERANCE,
            "saliency, top class");
        assertClose(ref("cnn_small.saliency_region3to7.npy"), run("cnn_small", ext, "[3:7]", new GradientSaliency(false), 0).values(),
            TOLERANCE, "saliency, summed region");
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void integratedGradientsMatchPyTorchForEveryRule(String ext) {
        // a budget of a few rows per request, so that the steps are spread over several stacked passes
        assertClose(ref("mlp_tanh.ig_gl16_zero.npy"),
            run("mlp_tanh", ext, "[2]", new IntegratedGradients(16, IntegrationRule.GAUSS_LEGENDRE, Baseline.zero()), 100_000).values(),
            TOLERANCE, "ig gausslegendre");
        Baseline file = Baseline.of(ref("mlp_tanh.baseline.npy"));
        for (String rule : new String[] {"riemann-left", "riemann-right", "riemann-middle", "riemann-trapezoid"}) {
            assertClose(ref("mlp_tanh.ig_" + rule + "10_file.npy"),
                run("mlp_tanh", ext, "[2]", new IntegratedGradients(10, IntegrationRule.parse(rule), file), 0).values(),
                TOLERANCE, "ig " + rule);
        }
        assertClose(ref("cnn_small.ig_gl8_blur2_top.npy"),
            run("cnn_small", ext, "[top]", new IntegratedGradients(8, IntegrationRule.GAUSS_LEGENDRE,
                Baseline.parse("blur", 2.0, 0)), 0).values(), TOLERANCE, "ig, blurred baseline");
        assertClose(ref("two_inputs.ig_gl20_x1.npy"),
            run("two_inputs", ext, "[1]", new IntegratedGradients(20, IntegrationRule.GAUSS_LEGENDRE, Baseline.zero()), 0).values(),
            TOLERANCE, "ig of one of two inputs");
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void noiseTunnelMatchesPyTorchWithTheSameNoise(String ext) {
        Tensor noise = ref("mlp_tanh.noise.npy");
        for (NoiseTunnel.Kind kind : NoiseTunnel.Kind.values()) {
            assertClose(ref("mlp_tanh." + kind.label() + ".npy"),
                run("mlp_tanh", ext, "[2]", new NoiseTunnel(new GradientSaliency(false), kind, 0, 0, 0, noise), 0).values(), TOLERANCE,
                kind.label());
        }
        assertClose(ref("cnn_small.smoothgrad_top.npy"), run("cnn_small", ext, "[top]",
            new NoiseTunnel(new GradientSaliency(false), NoiseTunnel.Kind.SMOOTHGRAD, 0, 0, 0, ref("cnn_small.noise.npy")), 0).values(),
            TOLERANCE, "smoothgrad on images");
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void gradientShapMatchesPyTorchWithTheSameDraws(String ext) {
        long[] index = ref("mlp_tanh.shap_index.npy").longs();
        double[] alpha = ref("mlp_tanh.shap_alpha.npy").doubles();
        int samples = 4;
        int draws = index.length / samples;
        int[][] idx = new int[samples][draws];
        double[][] a = new double[samples][draws];
        for (int s = 0; s < samples; s++) {
            for (int k = 0; k < draws; k++) {
                idx[s][k] = (int) index[s * draws + k];
                a[s][k] = alpha[s * draws + k];
            }
        }
        GradientShap shap = new GradientShap(ref("mlp_tanh.shap_baselines.npy"), 0, 0, new GradientShap.Draws(idx, a));
        assertClose(ref("mlp_tanh.gradshap.npy"), run("mlp_tanh", ext, "[2]", shap, 0).values(), TOLERANCE, "gradshap");
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void occlusionMatchesPyTorch(String ext) {
        assertClose(ref("mlp_tanh.occlusion_w3_s2.npy"),
            run("mlp_tanh", ext, "[2]", new Occlusion(new int[] {3}, new int[] {2}, 0), 0).values(), TOLERANCE, "occlusion 1-D");
        assertClose(ref("cnn_small.occlusion_w1x4x4_s1x3x3_top.npy"),
            run("cnn_small", ext, "[top]", new Occlusion(new int[] {1, 4, 4}, new int[] {1, 3, 3}, 0), 0).values(), 1e-4,
            "occlusion of image patches");
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void completenessGapShrinksWithStepsAndVanishesForALinearModel(String ext) {
        double previous = Double.POSITIVE_INFINITY;
        for (int steps : new int[] {2, 4, 8}) {
            double[] gap = run("mlp_tanh", ext, "[2]", new IntegratedGradients(steps, IntegrationRule.RIEMANN_TRAPEZOID,
                Baseline.zero()), 0).completenessGap();
            double worst = Arrays.stream(gap).map(Math::abs).max().orElseThrow();
            assertTrue(worst < previous, steps + " steps: gap " + worst + " is not below " + previous);
            previous = worst;
        }
        try (Model model = ModelLoader.load(resource("attribution/linear." + ext)); ModelDerivatives d = new ModelDerivatives(model)) {
            Map<String, Tensor> in = Map.of(model.info().inputs().get(0).name(), ref("linear.input.npy"));
            Attribution a = new IntegratedGradients(2, IntegrationRule.RIEMANN_LEFT, Baseline.zero())
                .attribute(problem(model, d.exact(), in, "[1]", 0), 0, ProgressMonitor.NONE);
            for (double g : a.completenessGap()) {
                assertEquals(0, g, 1e-5, "the completeness gap of a linear model");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void inputTimesGradientOfALinearModelIsWeightTimesInput(String ext) {
        Tensor x = ref("linear.input.npy");
        double[] w = ref("linear.weight.npy").doubles();
        try (Model model = ModelLoader.load(resource("attribution/linear." + ext)); ModelDerivatives d = new ModelDerivatives(model)) {
            AttributionProblem p = problem(model, d.exact(), Map.of(model.info().inputs().get(0).name(), x), "[each]", 0);
            assertEquals(3, p.target().targets());
            for (int t = 0; t < 3; t++) {
                double[] a = new InputXGradient().attribute(p, t, ProgressMonitor.NONE).values();
                double[] expected = new double[a.length];
                for (int s = 0; s < 4; s++) {
                    for (int i = 0; i < 6; i++) {
                        expected[s * 6 + i] = w[t * 6 + i] * x.getDouble(s * 6 + i);
                    }
                }
                assertArrayEquals(expected, a, 1e-6, "w ⊙ x for output " + t);
            }
        }
    }

    @Test
    void aFloat64TorchScriptModelIsAttributed() {
        // the TorchScript engine's vector-Jacobian product hands a float64 model's gradient back in float64
        Tensor x = Npy.read(resource("models/float64_mlp.input.npy"));
        double[] jacobian = Npy.read(resource("models/float64_mlp.jacobian.npy")).doubles(); // [4, 2, 5]
        try (Model model = ModelLoader.load(resource("models/float64_mlp.pt")); ModelDerivatives d = new ModelDerivatives(model)) {
            AttributionProblem p = problem(model, d.exact(), Map.of(model.info().inputs().get(0).name(), x), "[1]", 0);
            double[] saliency = new GradientSaliency(false).attribute(p, 0, ProgressMonitor.NONE).values();
            for (int s = 0; s < 4; s++) {
                for (int i = 0; i < 5; i++) {
                    assertEquals(jacobian[(s * 2 + 1) * 5 + i], saliency[s * 5 + i], 1e-12, "sample " + s + " element " + i);
                }
            }
        }
    }

    @Test
    void aModelWithAFixedBatchGetsItsStepsInBatchesOfThatSize() {
        Tensor x = ref("linear.input.npy");
        double[] w = ref("linear.weight.npy").doubles();
        try (Model model = ModelLoader.load(resource("attribution/linear_batch4.onnx")); ModelDerivatives d = new ModelDerivatives(model)) {
            AttributionProblem p = problem(model, d.exact(), Map.of("x", x), "y[2]", 0);
            Attribution a = new IntegratedGradients(5, IntegrationRule.GAUSS_LEGENDRE, Baseline.zero()).attribute(p, 0, ProgressMonitor.NONE);
            for (int s = 0; s < 4; s++) {
                for (int i = 0; i < 6; i++) {
                    assertEquals(w[12 + i] * x.getDouble(s * 6 + i), a.values()[s * 6 + i], 1e-6);
                }
                assertEquals(0, a.completenessGap()[s], 1e-5);
            }
        }
    }

    @Test
    void gaussLegendreTableIsNumpys() {
        double[] table = ref("gausslegendre50.npy").doubles();
        double[] points = IntegrationRule.GAUSS_LEGENDRE.points(50);
        double[] weights = IntegrationRule.GAUSS_LEGENDRE.weights(50);
        for (int i = 0; i < 50; i++) {
            assertEquals(table[i], points[i], 1e-14, "point " + i);
            assertEquals(table[50 + i], weights[i], 1e-14, "weight " + i);
        }
    }
}
