package org.jacobi.attribution;

import static org.jacobi.TestFiles.resource;
import static org.jacobi.attribution.AttributionMethodsTest.ref;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.junit.jupiter.api.Test;

/** The metrics on a linear model y = W x + b, where each is known in closed form. */
class MetricsTest {
    static final int TARGET = 1;

    private interface Check {
        void run(AttributionProblem p, double[] w, double[] x, double fx);
    }

    private static void onLinearModel(Check check) {
        Tensor x = ref("linear.input.npy");
        double[] weights = ref("linear.weight.npy").doubles();
        double[] w = Arrays.copyOfRange(weights, TARGET * 6, TARGET * 6 + 6);
        try (Model model = ModelLoader.load(resource("attribution/linear.onnx")); ModelDerivatives d = new ModelDerivatives(model)) {
            AttributionProblem p = AttributionMethodsTest.problem(model, d.exact(), Map.of("x", x), "y[" + TARGET + "]", 0);
            double[] fx = PointBatches.values(p, 0, PointBatches.single(p.xValues(), 6), ProgressMonitor.NONE)[0];
            check.run(p, w, x.toDoubleArray(), fx[0]);
        }
    }

    @Test
    void infidelityIsZeroForTheGradientOfALinearModelAndClosedFormForInputTimesGradient() {
        onLinearModel((p, w, x, fx) -> {
            Infidelity metric = new Infidelity(7, 0.2, 5);
            double[] saliency = new GradientSaliency(false).attribute(p, 0, ProgressMonitor.NONE).values();
            for (double v : metric.of(p, 0, saliency, ProgressMonitor.NONE)) {
                assertEquals(0, v, 1e-9, "infidelity of the exact gradient of a linear model");
            }
            double[] gx = new InputXGradient().attribute(p, 0, ProgressMonitor.NONE).values();
            double[][][] perturbations = metric.perturbations(p);
            double[] actual = Infidelity.of(p, 0, gx, perturbations, ProgressMonitor.NONE);
            for (int s = 0; s < 4; s++) {
                double expected = 0;
                for (double[] perturbation : perturbations[s]) {
                    double e = 0; // sum I w x - sum I w: what w*x claims minus the true drop
                    for (int i = 0; i < 6; i++) {
                        e += perturbation[i] * w[i] * (x[s * 6 + i] - 1);
                    }
                    expected += e * e / perturbations[s].length;
                }
                assertTrue(expected > 1e-4, "a test that can fail");
                assertEquals(expected, actual[s], 1e-5 * expected, "infidelity of w*x, sample " + s);
            }
        });
    }

    @Test
    void sensitivityOfTheGradientOfALinearModelIsZeroAndOfInputTimesGradientIsNot() {
        onLinearModel((p, w, x, fx) -> {
            SensitivityMax metric = new SensitivityMax(5, 0.02, 3);
            GradientSaliency saliency = new GradientSaliency(false);
            for (double v : metric.of(saliency, p, 0, saliency.attribute(p, 0, ProgressMonitor.NONE).values(), ProgressMonitor.NONE)) {
                assertEquals(0, v, 1e-9);
            }
            InputXGradient gx = new InputXGradient();
            double[] s = metric.of(gx, p, 0, gx.attribute(p, 0, ProgressMonitor.NONE).values(), ProgressMonitor.NONE);
            for (double v : s) {
                assertTrue(v > 0 && v < 1, "a small perturbation moves w*x a little: " + v);
            }
        });
    }

    @Test
    void deletionCurveOfALinearModelRemovesTheLargestTermsFirst() {
        onLinearModel((p, w, x, fx) -> {
            double[] gx = new InputXGradient().attribute(p, 0, ProgressMonitor.NONE).values();
            DeletionInsertion.Curves c = new DeletionInsertion(DeletionInsertion.Kind.DELETION, 3, 1, 0)
                .of(p, 0, gx, ProgressMonitor.NONE);
            for (int s = 0; s < 4; s++) {
                double f = PointBatches.values(p, 0, PointBatches.single(p.xValues(), 6), ProgressMonitor.NONE)[s][0];
                double[] terms = Arrays.copyOfRange(gx, s * 6, s * 6 + 6);
                Arrays.sort(terms); // ascending: the largest terms are removed first, two per step
                double[] expected = {f, f - terms[5] - terms[4], f - terms[5] - terms[4] - terms[3] - terms[2], 0};
                expected[3] = expected[2] - terms[1] - terms[0];
                for (int j = 0; j < 4; j++) {
                    assertEquals(expected[j], c.scores()[s][j], 1e-5, "sample " + s + " step " + j);
                }
                double area = (expected[0] + 2 * expected[1] + 2 * expected[2] + expected[3]) / 6;
                assertEquals(area, c.area()[s], 1e-5);
            }
        });
    }
}
