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

    @Test
    void tokenTransformerWithRespectToItsEmbeddingOutput() throws Exception {
        String embedding = valueName("token_transformer");
        Map<String, Tensor> inputs = Map.of("ids", Npy.read(DIR.resolve("token_transformer.ids.npy")));
        Tensor expected = Npy.read(DIR.resolve("token_transformer.jacobian.npy"));
        try (OnnxModel model = OnnxModel.load(DIR.resolve("token_transformer.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            assertTrue(model.intermediateValues().contains(embedding), model.intermediateValues().toString());
            for (JacobianMode mode : new JacobianMode[] {JacobianMode.FORWARD, JacobianMode.REVERSE}) {
                JacobianResult r = engine.compute(new JacobianRequest(inputs, embedding, null, BatchAxis.AUTO, mode, 0),
                    ProgressMonitor.NONE);
                assertTrue(r.batched() && r.exact(), mode.toString());
                assertPerSampleClose(expected, r.jacobian(), "d logits / d embedding, " + mode);
            }
        }
    }

    @Test
    void saturatedSegmentationHeadAtItsLogit() throws Exception {
        String logit = valueName("seg_head");
        Map<String, Tensor> inputs = Map.of("x", Npy.read(DIR.resolve("seg_head.input.npy")));
        Tensor expected = Npy.read(DIR.resolve("seg_head.jacobian.npy"));
        try (OnnxModel model = OnnxModel.load(DIR.resolve("seg_head.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            for (JacobianMode mode : new JacobianMode[] {JacobianMode.FORWARD, JacobianMode.REVERSE}) {
                JacobianResult r = engine.compute(new JacobianRequest(inputs, null, logit, BatchAxis.AUTO, mode, 0),
                    ProgressMonitor.NONE);
                assertEquals(logit, r.of());
                assertPerSampleClose(expected, r.jacobian(), "d logit / dx, " + mode);
            }
        }
    }
}
