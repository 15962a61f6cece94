package org.jacobi.jacobian.onnx;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.jacobi.model.onnx.OnnxModel;
import org.junit.jupiter.api.Test;

/**
 * A GRU whose state input h0 [1, batch, 4] holds its batch on axis 1 (issue 24 item 5): exact per-sample Jacobians
 * with respect to the sequence, the state sliced and probed on its own batch axis, and with respect to the state itself,
 * against PyTorch float64.
 */
class StateBatchAxisTest {
    static final Path DIR = IntermediateValuesTest.DIR;

    /** d h / d {@code wrt} in forward and reverse mode against the reference {@code gru_state.jacobian.<wrt>.npy}. */
    private static void assertBothModes(String wrt, long budget) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("x", Npy.read(DIR.resolve("gru_state.input.x.npy")));
        inputs.put("h0", Npy.read(DIR.resolve("gru_state.input.h0.npy")));
        Tensor expected = Npy.read(DIR.resolve("gru_state.jacobian." + wrt + ".npy"));
        try (OnnxModel model = OnnxModel.load(DIR.resolve("gru_state.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            for (JacobianMode mode : new JacobianMode[] {JacobianMode.FORWARD, JacobianMode.REVERSE}) {
                JacobianRequest request = new JacobianRequest(inputs, wrt, null, BatchAxis.AUTO, mode, budget);
                IntermediateValuesTest.assertPerSampleClose(expected, engine.compute(request, ProgressMonitor.NONE).jacobian(),
                    "dh/d" + wrt + ", " + mode);
            }
        }
    }

    @Test
    void stateWithItsBatchOnAxisOneIsSlicedOnThatAxis() {
        // a budget of one sample per run, so the state is cut into single samples as well
        assertBothModes("x", 4000);
    }

    @Test
    void theStateItselfPerSampleFromTheWholeJacobian() {
        assertBothModes("h0", 0); // [batch, 4, 1, 4]: h0's sample without its batch axis
    }

    /**
     * The same network as TorchScript, which declares no shapes, with the state's axis stated (--batch-axis h0=1): PyTorch
     * autograd repeats the state on its axis 1 with the stacked rows, and cuts the state's own blocks from the whole
     * Jacobian, as the ONNX engine does.
     */
    @Test
    void torchScriptWithTheStatedAxis() {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("x", Npy.read(DIR.resolve("gru_state.input.x.npy")));
        inputs.put("h0", Npy.read(DIR.resolve("gru_state.input.h0.npy")));
        try (Model model = ModelLoader.load(DIR.resolve("gru_state.pt")); JacobianEngine engine = Jacobians.exactEngineFor(model)) {
            for (String wrt : new String[] {"x", "h0"}) {
                // a budget of one sample per run for x, so the stacked rows of one chunk hold part of the samples
                JacobianRequest request = new JacobianRequest(inputs, wrt, null, BatchAxis.AUTO.withInput("h0", 1),
                    JacobianMode.REVERSE, wrt.equals("x") ? 4000 : 0);
                IntermediateValuesTest.assertPerSampleClose(Npy.read(DIR.resolve("gru_state.jacobian." + wrt + ".npy")),
                    engine.compute(request, ProgressMonitor.NONE).jacobian(), "TorchScript dh/d" + wrt);
            }
        }
    }
}
