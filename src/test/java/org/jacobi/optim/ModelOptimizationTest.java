package org.jacobi.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.RulelessModel;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** End to end through real ONNX models and whatever engine {@link Jacobians#exactEngineFor} gives. */
class ModelOptimizationTest {
    private static final List<Optimizer> BOTH = List.of(new LevenbergMarquardtOptimizer(), new LbfgsOptimizer());

    static Path fixture(String name) {
        return Path.of("src/test/resources/fixtures", name);
    }

    @Test
    void rosenbrockBuiltAsAnOnnxGraph(@TempDir Path dir) throws Exception {
        try (Model model = ModelLoader.load(OnnxGraphs.rosenbrock(dir)); JacobianEngine engine = Jacobians.exactEngineFor(model)) {
            Map<String, Tensor> inputs = Map.of("x", Tensor.ofFloats(new float[] {-1.2f, 1f, 0.5f, 0.5f}, 2, 2));
            ModelFunction f = ModelFunction.create(model, engine, inputs, null, null, 0);
            assertArrayEquals(new double[] {-4.4, 2.2}, f.startOutput(), 1e-5, "the graph computes Rosenbrock's residuals");
            for (Optimizer o : BOTH) {
                OptimizationResult r = o.optimize(OptimizationProblem.of(f, Target.values(new double[2]), f.start()),
                    IterationListener.NONE, ProgressMonitor.NONE);
                assertArrayEquals(new double[] {1, 1}, r.x(), 1e-3, r.summary());
                assertTrue(r.costReduction() >= 1e6, r.summary());
            }
        }
    }

    /** Done-when of issue 6: from sample 0 towards the output of sample 1, both methods gain a factor 1e6 within 100 iterations. */
    @ParameterizedTest
    @ValueSource(strings = {"mlp_tanh", "two_inputs", "mlp_relu_softmax", "decoder_sigmoid", "cnn_small"})
    void bothMethodsReachAnotherSamplesOutput(String name) {
        try (Model model = ModelLoader.load(fixture(name + ".onnx")); JacobianEngine engine = Jacobians.exactEngineFor(model)) {
            Map<String, Tensor> inputs = fixtureInputs(model, name);
            ModelFunction f = ModelFunction.create(model, engine, inputs, null, null, 0);
            double[] target = outputWithOptimizedInputOf(model, inputs, f.wrt(), 1, 0);
            for (Optimizer o : BOTH) {
                OptimizationResult r = o.optimize(OptimizationProblem.of(f, Target.values(target), f.start()),
                    IterationListener.NONE, ProgressMonitor.NONE);
                assertTrue(r.iterations() <= 100);
                assertTrue(r.costReduction() >= 1e6, name + " (" + f.derivativeSource() + "): " + r.summary());
                assertTrue(r.targetReached());
            }
        }
    }

    /** The same through TorchScript and its engine (PyTorch autograd when registered). */
    @ParameterizedTest
    @ValueSource(strings = {"mlp_tanh", "two_inputs"})
    void bothMethodsReachAnotherSamplesOutputThroughTorchScript(String name) {
        try (Model model = ModelLoader.load(fixture(name + ".pt")); JacobianEngine engine = Jacobians.exactEngineFor(model)) {
            Map<String, Tensor> inputs = fixtureInputs(model, name);
            ModelFunction f = ModelFunction.create(model, engine, inputs, null, null, 0);
            double[] target = outputWithOptimizedInputOf(model, inputs, f.wrt(), 1, 0);
            for (Optimizer o : BOTH) {
                OptimizationResult r = o.optimize(OptimizationProblem.of(f, Target.values(target), f.start()),
                    IterationListener.NONE, ProgressMonitor.NONE);
                assertTrue(r.costReduction() >= 1e6, name + ".pt (" + f.derivativeSource() + "): " + r.summary());
            }
        }
    }

    @Test
    void secondInputOfTwoInputsIsOptimizedWithTheFirstHeld() {
        try (Model model = ModelLoader.load(fixture("two_inputs.onnx")); JacobianEngine engine = Jacobians.exactEngineFor(model)) {
            Map<String, Tensor> inputs = fixtureInputs(model, "two_inputs");
            ModelFunction f = ModelFunction.create(model, engine, inputs, "x2", null, 2);
            assertEquals(3, f.inputSize());
            assertEquals(5, f.outputSize());
            double[] target = outputWithOptimizedInputOf(model, inputs, "x2", 3, 2);
            for (Optimizer o : BOTH) {
                OptimizationResult r = o.optimize(OptimizationProblem.of(f, Target.values(target), f.start()),
                    IterationListener.NONE, ProgressMonitor.NONE);
                assertTrue(r.costReduction() >= 1e6, r.summary());
            }
        }
    }

    @Test
    void classifierTargetClassWinsWithBoundsAndMask() {
        try (Model model = ModelLoader.load(fixture("cnn_small.onnx")); JacobianEngine engine = Jacobians.exactEngineFor(model)) {
            Map<String, Tensor> inputs = fixtureInputs(model, "cnn_small");
            ModelFunction f = ModelFunction.create(model, engine, inputs, null, null, 0);
            double[] y0 = f.startOutput();
            int weakest = 0;
            for (int i = 1; i < y0.length; i++) {
                weakest = y0[i] < y0[weakest] ? i : weakest;
            }
            double[] x0 = f.start();
            boolean[] fixed = new boolean[x0.length];
            for (int i = 0; i < 28 * 14; i++) {
                fixed[i] = true; // the top half of the image stays as it is
            }
            OptimizationProblem p = OptimizationProblem.of(f, Target.classMargin(weakest, 1.0), x0).withBounds(-3, 3).withFixed(fixed);
            for (Optimizer o : BOTH) {
                OptimizationResult r = o.optimize(p, IterationListener.NONE, ProgressMonitor.NONE);
                assertTrue(r.targetReached(), r.summary());
                double[] y = f.value(r.x(), ProgressMonitor.NONE);
                for (int i = 0; i < y.length; i++) {
                    if (i != weakest) {
                        assertTrue(y[weakest] - y[i] >= 1.0 - 1e-4, o.method() + ": margin over " + i + " is " + (y[weakest] - y[i]));
                    }
                }
                double[] start = p.projectedStart();
                for (int i = 0; i < x0.length; i++) {
                    assertTrue(r.x()[i] >= -3 && r.x()[i] <= 3);
                    if (fixed[i]) {
                        assertEquals(start[i], r.x()[i]);
                    }
                }
            }
        }
    }

    @Test
    void anOperatorWithoutADerivativeRuleFallsBackToFiniteDifferences(@TempDir Path dir) throws Exception {
        // An operator outside the default domain: no rule in the ONNX autodiff.
        try (Model model = ModelLoader.load(RulelessModel.write(dir, 3)); JacobianEngine engine = Jacobians.exactEngineFor(model)) {
            ModelFunction f = ModelFunction.create(model, engine, Map.of("x", Tensor.ofFloats(new float[] {0.1f, -0.5f, 2f}, 1, 3)), null, null, 0);
            double[] target = {0.5, 0.2, 1.0};
            for (Optimizer o : BOTH) {
                OptimizationResult r = o.optimize(OptimizationProblem.of(f, Target.values(target), f.start()),
                    IterationListener.NONE, ProgressMonitor.NONE);
                assertTrue(r.costReduction() >= 1e6, r.summary());
                for (int i = 0; i < 3; i++) {
                    assertEquals(RulelessModel.inverse(target[i]), r.x()[i], 1e-3);
                }
                if (!engine.name().equals("finite differences")) {
                    assertTrue(f.warning() != null && f.warning().contains(RulelessModel.OPERATOR), String.valueOf(f.warning()));
                    assertTrue(r.derivativeSource().contains("approximate"), r.derivativeSource());
                }
            }
        }
    }

    @Test
    void withSampleReplacesOneRow() {
        Tensor batch = Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("x", batch);
        inputs.put("other", Tensor.ofFloats(new float[] {9}, 1));
        Map<String, Tensor> out = ModelFunction.withSample(inputs, "x", 1, Tensor.ofDoubles(new double[] {7, 8}, 1, 2));
        assertEquals(Tensor.ofFloats(new float[] {1, 2, 7, 8, 5, 6}, 3, 2), out.get("x"));
        assertEquals(inputs.get("other"), out.get("other"));
        assertEquals(Tensor.ofFloats(new float[] {7, 8, 3, 4, 5, 6}, 3, 2),
            ModelFunction.withSample(inputs, "x", 0, Tensor.ofFloats(new float[] {7, 8}, 2)).get("x"));
        assertThrows(JacobiException.class, () -> ModelFunction.withSample(inputs, "x", 3, Tensor.ofFloats(new float[] {7, 8}, 2)));
        assertThrows(JacobiException.class, () -> ModelFunction.withSample(inputs, "x", 0, Tensor.ofFloats(new float[] {7}, 1)));
    }

    @Test
    void sampleOutOfRangeIsAUsageError() {
        try (Model model = ModelLoader.load(fixture("mlp_tanh.onnx")); JacobianEngine engine = Jacobians.exactEngineFor(model)) {
            JacobiException e = assertThrows(JacobiException.class,
                () -> ModelFunction.create(model, engine, fixtureInputs(model, "mlp_tanh"), null, null, 4));
            assertEquals("Sample 4 does not exist: the input holds 4 samples (0 to 3).", e.getMessage());
            assertEquals(2, e.exitCode());
        }
    }

    static Map<String, Tensor> fixtureInputs(Model model, String name) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        if (model.info().inputs().size() == 1) {
            inputs.put(model.info().inputs().get(0).name(), Npy.read(fixture(name + ".input.npy")));
        } else {
            for (var spec : model.info().inputs()) {
                inputs.put(spec.name(), Npy.read(fixture(name + ".input." + spec.name() + ".npy")));
            }
        }
        return inputs;
    }

    /** The output for sample {@code sample} when input {@code wrt} is taken from sample {@code other}: a reachable target. */
    static double[] outputWithOptimizedInputOf(Model model, Map<String, Tensor> inputs, String wrt, int other, int sample) {
        Map<String, Tensor> feed = new LinkedHashMap<>();
        for (var e : inputs.entrySet()) {
            int row = e.getKey().equals(wrt) ? other : sample;
            feed.put(e.getKey(), e.getValue().sliceRows(row, row + 1));
        }
        String of = model.info().outputs().get(0).name();
        return model.run(feed, Set.of(of)).get(of).toDoubleArray();
    }
}
