package org.jacobi.jacobian.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.model.onnx.OnnxModel;
import org.junit.jupiter.api.Test;

/**
 * Jacobians with respect to and of values inside the graph (issue 24 item 3), against PyTorch float64
 * (scripts/make_intermediate_models.py): a token-id transformer at its embedding lookup's output, a saturated
 * sigmoid segmentation head at its logit.
 */
class IntermediateValuesTest {
    static final Path DIR = Path.of("src/test/resources/models/intermediate");

    static String valueName(String model) throws Exception {
        return Files.readString(DIR.resolve(model + ".values.txt")).strip();
    }

    /** Every entry within 1e-5 of the largest entry of its own sample. */
    static void assertPerSampleClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        int samples = (int) expected.dim(0);
        int n = (int) (expected.size() / samples);
        for (int s = 0; s < samples; s++) {
            double largest = 0;
            for (int i = 0; i < n; i++) {
                largest = Math.max(largest, Math.abs(expected.getDouble(s * n + i)));
            }
            assertTrue(largest > 0, what + ": sample " + s + " has an all-zero reference");
            for (int i = 0; i < n; i++) {
                assertEquals(expected.getDouble(s * n + i), actual.getDouble(s * n + i), 1e-5 * largest,
                    what + ": sample " + s + " entry " + i);
            }
        }
    }

    /** d(of)/d(wrt) of {@code model} in forward and reverse mode, each against {@code expected}. */
    static void assertBothModes(String model, Map<String, Tensor> inputs, String wrt, String of, Tensor expected) {
        try (OnnxModel m = OnnxModel.load(DIR.resolve(model + ".onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(m)) {
            for (JacobianMode mode : new JacobianMode[] {JacobianMode.FORWARD, JacobianMode.REVERSE}) {
                JacobianResult r = engine.compute(new JacobianRequest(inputs, wrt, of, BatchAxis.AUTO, mode, 0), ProgressMonitor.NONE);
                assertTrue(r.batched() && r.exact(), mode.toString());
                assertEquals(of != null ? of : m.info().outputs().get(0).name(), r.of());
                assertPerSampleClose(expected, r.jacobian(), model + " d(" + r.of() + ")/d(" + r.wrt() + "), " + mode);
            }
        }
    }

    @Test
    void tokenTransformerWithRespectToItsEmbeddingOutput() throws Exception {
        String embedding = valueName("token_transformer");
        try (OnnxModel model = OnnxModel.load(DIR.resolve("token_transformer.onnx"), DevicePreference.CPU)) {
            assertTrue(model.intermediateValues().contains(embedding), model.intermediateValues().toString());
        }
        assertBothModes("token_transformer", Map.of("ids", Npy.read(DIR.resolve("token_transformer.ids.npy"))), embedding, null,
            Npy.read(DIR.resolve("token_transformer.jacobian.npy")));
    }

    @Test
    void saturatedSegmentationHeadAtItsLogit() throws Exception {
        assertBothModes("seg_head", Map.of("x", Npy.read(DIR.resolve("seg_head.input.npy"))), null, valueName("seg_head"),
            Npy.read(DIR.resolve("seg_head.jacobian.npy")));
    }
}
