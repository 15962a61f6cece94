package org.jacobi.jacobian.onnx;

import static org.jacobi.jacobian.onnx.IntermediateValuesTest.assertPerSampleClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.FiniteDifferenceEngine;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.onnx.OnnxModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A voice-activity detector shaped like Silero's (scripts/make_control_flow_models.py): convolutions and an LSTM
 * inside If branches (one of them nested) that read the audio and the recurrent state [2, batch, 128] from the
 * enclosing graph. The LSTM inside the branches is expanded like one at top level; per-sample Jacobians with respect
 * to the audio and to the state (batch on axis 1: the whole Jacobian cut into each sample's block) match PyTorch float64
 * in forward and reverse mode, on one engine for both sample rates; so do those of the new state, whose samples lie on
 * axis 1 too.
 */
class VoiceActivityDetectorTest {
    private static Map<String, Tensor> inputs(int sr) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("x", ControlFlowModelsTest.npy("vad.input.x"));
        in.put("sr", ControlFlowModelsTest.npy("vad.sr" + sr));
        in.put("state", ControlFlowModelsTest.npy("vad.input.state"));
        return in;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = JacobianMode.class, names = {"FORWARD", "REVERSE"})
    void networkInsideIfBranchesMatchesPyTorchFloat64(JacobianMode mode) {
        try (OnnxModel model = ControlFlowModelsTest.load("vad"); OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            for (int sr : new int[] {16000, 8000}) {
                JacobianResult r = engine.compute(new JacobianRequest(inputs(sr), "x", "prob", BatchAxis.AUTO, mode, 0),
                    ProgressMonitor.NONE);
                assertTrue(r.exact() && r.dependsOnInput() && r.batched(), mode.toString());
                assertPerSampleClose(ControlFlowModelsTest.npy("vad.jacobian.x.sr" + sr), r.jacobian(),
                    "d prob / d x, sr " + sr + ", " + mode);
                JacobianResult state = engine.compute(new JacobianRequest(inputs(sr), "state", "prob", BatchAxis.AUTO, mode, 0),
                    ProgressMonitor.NONE);
                assertTrue(state.exact() && state.dependsOnInput() && state.batched(), mode + " state");
                assertPerSampleClose(ControlFlowModelsTest.npy("vad.jacobian.state.sr" + sr), state.jacobian(),
                    "d prob / d state, sr " + sr + ", " + mode);
            }
        }
    }

    /**
     * The new state stateN [2, batch, 128] holds its samples on axis 1, and its axis 0 has as many entries (2) as the
     * engine's shape probe has samples: each sample's block of the whole Jacobian, with respect to the audio (samples on
     * axis 0) and to the state (axis 1), against PyTorch float64.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = JacobianMode.class, names = {"FORWARD", "REVERSE"})
    void theNewStateWithItsSamplesOnAxisOnePerSample(JacobianMode mode) {
        try (OnnxModel model = ControlFlowModelsTest.load("vad"); OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            for (String wrt : new String[] {"x", "state"}) {
                JacobianResult r = engine.compute(new JacobianRequest(inputs(16000), wrt, "stateN", BatchAxis.AUTO, mode, 0),
                    ProgressMonitor.NONE);
                assertTrue(r.exact() && r.dependsOnInput() && r.batched(), mode + " " + wrt);
                assertPerSampleClose(ControlFlowModelsTest.npy("vad.jacobian.stateN." + wrt + ".sr16000"), r.jacobian(),
                    "d stateN / d " + wrt + ", " + mode);
            }
        }
    }

    /**
     * Finite differences take the same per-sample blocks (differences of the whole tensors, cut into samples) where the
     * input or the output holds its samples on axis 1, within their error of the float64 references (float32 differences
     * of a probability near 0.5 lose about 1e-5, a few percent of the smallest Jacobian here).
     */
    @Test
    void finiteDifferencesCutTheSameBlocks() {
        try (OnnxModel model = ControlFlowModelsTest.load("vad")) {
            FiniteDifferenceEngine fd = new FiniteDifferenceEngine(model);
            String[][] cases = {{"x", "stateN", "vad.jacobian.stateN.x.sr16000"}, {"state", "prob", "vad.jacobian.state.sr16000"}};
            for (String[] c : cases) {
                JacobianResult r = fd.compute(new JacobianRequest(inputs(16000), c[0], c[1], BatchAxis.AUTO, JacobianMode.FD, 0),
                    ProgressMonitor.NONE);
                Tensor expected = ControlFlowModelsTest.npy(c[2]);
                assertArrayEquals(expected.shape(), r.jacobian().shape(), c[2]);
                double largest = 0;
                double worst = 0;
                for (int i = 0; i < expected.size(); i++) {
                    largest = Math.max(largest, Math.abs(expected.getDouble(i)));
                    worst = Math.max(worst, Math.abs(expected.getDouble(i) - r.jacobian().getDouble(i)));
                }
                assertTrue(r.batched() && !r.exact() && worst < 5e-2 * largest, c[2] + ": " + worst + " of " + largest);
            }
        }
    }

    @Test
    void perSampleSecondOrderOfTheNewStateIsRefusedInOneLine() {
        try (OnnxModel model = ControlFlowModelsTest.load("vad"); OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobiException e = assertThrows(JacobiException.class, () -> engine.vectorJacobianProduct(
                new JacobianRequest(inputs(16000), "x", "stateN", BatchAxis.AUTO, JacobianMode.REVERSE, 0),
                Tensor.ofFloats(new float[2 * 3 * 128], 2, 3, 128), ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains("holds the samples on its axis 1") && e.getMessage().contains("--batch-axis none")
                && !e.getMessage().contains("\n"), e.getMessage());
        }
    }

    @Test
    void mixedModeHasNoValueToSwitchAtAndSaysSo() {
        try (OnnxModel model = ControlFlowModelsTest.load("vad"); OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            JacobiException e = assertThrows(JacobiException.class, () -> engine.compute(
                new JacobianRequest(inputs(16000), "x", "prob", BatchAxis.AUTO, JacobianMode.MIXED, 0), ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains("mixed mode has nowhere to switch") && !e.getMessage().contains("\n"),
                e.getMessage());
        }
    }
}
