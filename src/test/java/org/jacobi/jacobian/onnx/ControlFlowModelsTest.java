package org.jacobi.jacobian.onnx;

import static org.jacobi.jacobian.onnx.PyTorchExportsTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.NotDifferentiableException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.HessianEngine;
import org.jacobi.jacobian.HessianRequest;
import org.jacobi.jacobian.HessianResult;
import org.jacobi.jacobian.Hessians;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.model.onnx.OnnxModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Control flow against PyTorch's float64 derivatives (models and references made by
 * scripts/make_control_flow_models.py): a network in nested If branches that read the input and values of the
 * enclosing graphs without naming them, in every mode (forward, reverse, mixed, the vector-Jacobian product, the
 * Hessian, the Jacobian with respect to a weight read inside a branch); a Loop and a Scan carrying a recurrent state;
 * a Loop whose body holds an LSTM (expanded once the Loop is unrolled); a Loop and a Scan inside If branches, unrolled
 * there (forward, reverse, auto, the vector-Jacobian product, the Hessian); a while loop refused, in the main graph
 * and inside a branch; an output that does not depend on the input said so.
 */
class ControlFlowModelsTest {
    static final Path DIR = Path.of("src/test/resources/models/control_flow");

    static Tensor npy(String name) {
        return Npy.read(DIR.resolve(name + ".npy"));
    }

    static OnnxModel load(String name) {
        return OnnxModel.load(DIR.resolve(name + ".onnx"), DevicePreference.CPU);
    }

    static Map<String, Tensor> nestedIfInputs(int sr) {
        return Map.of("x", npy("nested_if.input"), "sr", npy("nested_if.sr" + sr));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FORWARD", "REVERSE", "MIXED"})
    void nestedIfBranchesMatchPyTorchFloat64(JacobianMode mode) {
        try (OnnxModel model = load("nested_if"); OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            // One engine, one derivative graph for every sr: the branch is chosen when the graph runs.
            for (int sr : new int[] {16000, 12000, 8000}) {
                JacobianRequest request = new JacobianRequest(nestedIfInputs(sr), "x", "y", BatchAxis.AUTO, mode, 0);
                JacobianResult r = engine.compute(request, ProgressMonitor.NONE);
                Tensor expected = npy("nested_if.jacobian.sr" + sr);
                assertArrayEquals(expected.shape(), r.jacobian().shape());
                assertClose("nested_if sr " + sr + " " + mode, r.jacobian().toDoubleArray(), expected.toDoubleArray());
                assertTrue(r.exact() && r.dependsOnInput());
                assertTrue(r.mode() == mode, r.mode() + " for " + mode);
            }
        }
    }

    @Test
    void vectorJacobianProductThroughTheBranches() {
        try (OnnxModel model = load("nested_if"); OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            for (int sr : new int[] {16000, 8000}) {
                Tensor jacobian = npy("nested_if.jacobian.sr" + sr);
                float[] seed = {1, -2, 0.5f, 0.25f, 3, -1, 2, 1, -0.5f};
                double[] cotangent = Tensor.ofFloats(seed, 3, 3).toDoubleArray();
                JacobianRequest request = new JacobianRequest(nestedIfInputs(sr), "x", "y", BatchAxis.AUTO, JacobianMode.AUTO, 0);
                Tensor vjp = engine.vectorJacobianProduct(request, Tensor.ofFloats(seed, 3, 3), ProgressMonitor.NONE);
                double[] expected = new double[12];
                double[] j = jacobian.toDoubleArray();
                for (int b = 0; b < 3; b++) {
                    for (int o = 0; o < 3; o++) {
                        for (int i = 0; i < 4; i++) {
                            expected[b * 4 + i] += cotangent[b * 3 + o] * j[(b * 3 + o) * 4 + i];
                        }
                    }
                }
                assertClose("vjp sr " + sr, vjp.toDoubleArray(), expected);
            }
        }
    }

    @ParameterizedTest(name = "sr {0}")
    @ValueSource(ints = {16000, 12000, 8000})
    void hessianOfAGraphWhoseDerivativeHasIfNodes(int sr) {
        try (OnnxModel model = load("nested_if"); HessianEngine engine = Hessians.engineFor(model)) {
            HessianResult r = engine.compute(HessianRequest.of(nestedIfInputs(sr)).withWrtOf("x", "y").withElement(0),
                ProgressMonitor.NONE);
            Tensor expected = npy("nested_if.hessian.sr" + sr);
            assertArrayEquals(expected.shape(), r.hessian().shape());
            assertClose("hessian sr " + sr, r.hessian().toDoubleArray(), expected.toDoubleArray());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"AUTO", "FORWARD", "REVERSE"})
    void weightReadInsideABranch(JacobianMode mode) {
        try (OnnxModel model = load("nested_if"); JacobianEngine engine = Jacobians.engineFor(model)) {
            JacobianRequest request = new JacobianRequest(nestedIfInputs(16000), "W1", "y", BatchAxis.AUTO, mode, 0);
            JacobianResult r = engine.compute(request, ProgressMonitor.NONE);
            Tensor expected = npy("nested_if.wrt.W1.sr16000");
            assertArrayEquals(expected.shape(), r.jacobian().shape());
            assertClose("d y / d W1 " + mode, r.jacobian().toDoubleArray(), expected.toDoubleArray());
            assertTrue(r.exact());
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"loop_rnn,FORWARD", "loop_rnn,REVERSE", "scan_rnn,FORWARD", "scan_rnn,REVERSE", "loop_lstm,FORWARD",
        "loop_lstm,REVERSE"})
    void unrolledLoopAndScanMatchPyTorchFloat64(String name, JacobianMode mode) {
        try (OnnxModel model = load(name); OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobianRequest request = new JacobianRequest(Map.of("x", npy("rnn.input")), "x", "y", BatchAxis.AUTO, mode, 0);
            JacobianResult r = engine.compute(request, ProgressMonitor.NONE);
            Tensor expected = npy(name + ".jacobian");
            assertArrayEquals(expected.shape(), r.jacobian().shape());
            assertClose(name + " " + mode, r.jacobian().toDoubleArray(), expected.toDoubleArray());
        }
    }

    static JacobianRequest loopInIf(String branch, JacobianMode mode) {
        return new JacobianRequest(Map.of("x", npy("loop_in_if.input." + branch)), "x", "y", BatchAxis.AUTO, mode, 0);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FORWARD", "REVERSE", "AUTO"})
    void loopAndScanInsideIfBranchesAreUnrolled(JacobianMode mode) {
        try (OnnxModel model = load("loop_in_if"); OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            // One derivative graph for both batches: the then branch's Loop and the nested else branch's Scan, unrolled.
            for (String branch : new String[] {"then", "else"}) {
                JacobianResult r = engine.compute(loopInIf(branch, mode), ProgressMonitor.NONE);
                IntermediateValuesTest.assertPerSampleClose(npy("loop_in_if.jacobian." + branch), r.jacobian(),
                    "loop_in_if " + branch + " " + mode);
                assertTrue(r.exact() && r.dependsOnInput(), branch + " " + mode);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"then", "else"})
    void hessianThroughLoopAndScanInsideIfBranches(String branch) {
        try (OnnxModel model = load("loop_in_if"); HessianEngine engine = Hessians.engineFor(model)) {
            Map<String, Tensor> inputs = Map.of("x", npy("loop_in_if.input." + branch));
            HessianResult r = engine.compute(HessianRequest.of(inputs).withWrtOf("x", "y").withElement(0), ProgressMonitor.NONE);
            Tensor expected = npy("loop_in_if.hessian." + branch);
            assertArrayEquals(expected.shape(), r.hessian().shape());
            IntermediateValuesTest.assertPerSampleClose(expected, r.hessian(), "loop_in_if hessian " + branch);
        }
    }

    @Test
    void vectorJacobianProductThroughLoopAndScanInsideIfBranches() {
        try (OnnxModel model = load("loop_in_if"); OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            float[] seed = new float[3 * 5];
            for (int k = 0; k < seed.length; k++) {
                seed[k] = (k % 4 - 1.5f) * (1 + k / 5);
            }
            for (String branch : new String[] {"then", "else"}) {
                Tensor vjp = engine.vectorJacobianProduct(loopInIf(branch, JacobianMode.AUTO), Tensor.ofFloats(seed, 3, 5),
                    ProgressMonitor.NONE);
                double[] j = npy("loop_in_if.jacobian." + branch).toDoubleArray();   // [3, 5, 4, 3]
                double[] expected = new double[3 * 12];
                for (int b = 0; b < 3; b++) {
                    for (int o = 0; o < 5; o++) {
                        for (int i = 0; i < 12; i++) {
                            expected[b * 12 + i] += seed[b * 5 + o] * j[(b * 5 + o) * 12 + i];
                        }
                    }
                }
                IntermediateValuesTest.assertPerSampleClose(Tensor.ofDoubles(expected, 3, 4, 3), vjp, "vjp " + branch);
            }
        }
    }

    @ParameterizedTest(name = "{0} {2}")
    @CsvSource({"while_loop,halve_until_small,FORWARD", "while_loop,halve_until_small,REVERSE",
        "while_in_if,choose/then_branch/halve_in_branch,FORWARD", "while_in_if,choose/then_branch/halve_in_branch,REVERSE"})
    void whileLoopIsRefusedNamingTheNode(String name, String node, JacobianMode mode) {
        try (OnnxModel model = load(name); OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            Tensor x = Tensor.ofFloats(new float[] {0.9f, -0.4f, 0.3f, 0.2f, 0.7f, -0.8f}, 2, 3);
            JacobianRequest request = new JacobianRequest(Map.of("x", x), "x", "y", BatchAxis.AUTO, mode, 0);
            NotDifferentiableException e = assertThrows(NotDifferentiableException.class,
                () -> engine.compute(request, ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains("Loop node '" + node + "'") && e.getMessage().contains("trip count"),
                e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FORWARD", "REVERSE"})
    void anOperatorWithoutARuleInsideABranchIsRefusedNamingIt(JacobianMode mode) {
        try (OnnxModel model = load("if_without_rule"); OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            Tensor x = Tensor.ofFloats(new float[] {0.9f, -0.4f, 0.3f, 0.2f, 0.7f, -0.8f, 0.5f, 0.1f}, 2, 4);
            JacobianRequest request = new JacobianRequest(Map.of("x", x), "x", "y", BatchAxis.AUTO, mode, 0);
            NotDifferentiableException e = assertThrows(NotDifferentiableException.class,
                () -> engine.compute(request, ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains("operator Det") && e.getMessage().contains("'choose/then_branch/det'"),
                e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FORWARD", "REVERSE"})
    void anOutputThatDoesNotDependOnTheInputSaysSo(JacobianMode mode) {
        try (OnnxModel model = load("independent"); OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            Map<String, Tensor> inputs = Map.of("x", npy("independent.x"), "z", npy("independent.z"));
            JacobianResult r = engine.compute(new JacobianRequest(inputs, "x", "y", BatchAxis.AUTO, mode, 0), ProgressMonitor.NONE);
            assertFalse(r.dependsOnInput());
            JacobianResult w = engine.compute(new JacobianRequest(inputs, "x", "w", BatchAxis.AUTO, mode, 0), ProgressMonitor.NONE);
            assertTrue(w.dependsOnInput());
            JacobianResult z = engine.compute(new JacobianRequest(inputs, "z", "y", BatchAxis.AUTO, mode, 0), ProgressMonitor.NONE);
            assertTrue(z.dependsOnInput() && z.largestEntry() > 0.1);
        }
    }
}
