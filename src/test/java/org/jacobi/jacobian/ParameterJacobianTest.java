package org.jacobi.jacobian;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.jacobi.TestFiles;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Per-sample weight Jacobians against PyTorch float64 per-sample autograd.grad (scripts/make_hessian_references.py). */
class ParameterJacobianTest {
    static final List<String> PARAMETERS = List.of("l1.weight", "l1.bias", "l2.weight", "l2.bias", "l3.weight", "l3.bias");

    private static JacobianRequest request() {
        return JacobianRequest.of(Map.of("x", Npy.read(TestFiles.fixture("mlp_tanh.input.npy"))));
    }

    private static double relativeError(double[] got, double[] want) {
        double err = 0;
        double max = 0;
        for (int i = 0; i < want.length; i++) {
            err = Math.max(err, Math.abs(got[i] - want[i]));
            max = Math.max(max, Math.abs(want[i]));
        }
        return err / max;
    }

    @ParameterizedTest
    @CsvSource({"mlp_tanh.onnx,AUTO", "mlp_tanh.onnx,FORWARD", "mlp_tanh.onnx,REVERSE",
        "mlp_tanh.pt,AUTO"})
    void weightJacobianMatchesPyTorchPerSampleGradients(String file, JacobianMode mode) {
        try (Model model = ModelLoader.load(TestFiles.fixture(file)); JacobianEngine engine = Jacobians.engineFor(model)) {
            JacobianResult r = engine.compute(request().withWrtOf("l2.weight", null).withMode(mode), ProgressMonitor.NONE);
            Tensor want = Npy.read(TestFiles.resource("hessian/mlp_tanh.wrt.l2.weight.npy"));
            assertArrayEquals(want.shape(), r.jacobian().shape());
            assertArrayEquals(new long[] {4, 4, 32, 32}, r.jacobian().shape());
            double err = relativeError(r.jacobian().toDoubleArray(), want.toDoubleArray());
            assertTrue(err < 1e-5, file + ": relative error " + err);
            assertTrue(r.exact());
        }
    }

    @ParameterizedTest
    @CsvSource({"mlp_tanh.onnx,FORWARD", "mlp_tanh.onnx,REVERSE", "mlp_tanh.pt,AUTO"})
    void normsPerSampleAndParameterMatchPyTorch(String file, JacobianMode mode) {
        try (Model model = ModelLoader.load(TestFiles.fixture(file)); ParameterJacobianEngine engine = Jacobians.parameterEngineFor(model)) {
            assertTrue(engine.parameters().keySet().containsAll(PARAMETERS), engine.parameters().keySet().toString());
            ParameterNorms n = engine.norms(request().withMode(mode), PARAMETERS, ProgressMonitor.NONE);
            Tensor want = Npy.read(TestFiles.resource("hessian/mlp_tanh.wrt.norms.npy"));
            assertArrayEquals(want.shape(), n.norms().shape());
            double err = relativeError(n.norms().toDoubleArray(), want.toDoubleArray());
            assertTrue(err < 1e-5, file + ": relative error " + err);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp_tanh.onnx", "mlp_tanh.pt"})
    void aNameThatIsNeitherListsInputsAndParameters(String file) {
        try (Model model = ModelLoader.load(TestFiles.fixture(file)); JacobianEngine engine = Jacobians.engineFor(model)) {
            JacobiException e = assertThrows(JacobiException.class,
                () -> engine.compute(request().withWrtOf("l9.weight", null), ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains("[x]") && e.getMessage().contains("l2.weight"), e.getMessage());
        }
    }

    @Test
    void withoutABatchAxisTheWholeOutputDependsOnTheWeightAsOneSample() {
        // d y[b, o] / d W is the same number whether the samples are a batch or one tensor; only the layout of the
        // runs differs (no batch axis in the forward tangent's result).
        JacobianRequest whole = new JacobianRequest(request().inputs(), "l2.weight", null, BatchAxis.NONE, JacobianMode.AUTO, 0);
        try (Model model = ModelLoader.load(TestFiles.fixture("mlp_tanh.onnx")); JacobianEngine engine = Jacobians.engineFor(model)) {
            JacobianResult r = engine.compute(whole, ProgressMonitor.NONE);
            Tensor want = Npy.read(TestFiles.resource("hessian/mlp_tanh.wrt.l2.weight.npy"));
            assertArrayEquals(new long[] {4, 4, 32, 32}, r.jacobian().shape());
            double err = relativeError(r.jacobian().toDoubleArray(), want.toDoubleArray());
            assertTrue(err < 1e-5, "relative error " + err);
        }
    }

    @Test
    void reverseAndForwardAgreeOverSeveralSampleChunks() {
        Tensor x = Npy.read(TestFiles.fixture("mlp_tanh.input.npy"));
        Tensor many = Tensor.concatRows(List.of(x, x, x)).sliceRows(0, 11);
        JacobianRequest request = JacobianRequest.of(Map.of("x", many)).withWrtOf("l1.weight", null).withMaxMemory(200_000);
        try (Model model = ModelLoader.load(TestFiles.fixture("mlp_tanh.onnx")); JacobianEngine engine = Jacobians.engineFor(model)) {
            JacobianResult f = engine.compute(request.withMode(JacobianMode.FORWARD), ProgressMonitor.NONE);
            JacobianResult r = engine.compute(request.withMode(JacobianMode.REVERSE), ProgressMonitor.NONE);
            assertTrue(r.chunks() > 1, "several chunks");
            assertArrayEquals(new long[] {11, 4, 32, 8}, r.jacobian().shape());
            assertTrue(relativeError(r.jacobian().toDoubleArray(), f.jacobian().toDoubleArray()) < 1e-6);
        }
    }
}
