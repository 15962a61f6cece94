package org.jacobi.jacobian.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.jacobi.analysis.OutputTarget;
import org.jacobi.analysis.TargetGradients;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.model.onnx.OnnxModel;
import org.junit.jupiter.api.Test;

/**
 * The 64 x 64 twin of the large U-Net (scripts/make_large_unet.py): float16 weights behind Casts, six 64 x 64 sigmoid
 * outputs. A region target is answered exactly by one reverse pass per sample; a whole Jacobian too large is refused
 * before any graph work (issues 24 and 25).
 */
class LargeUnetTest {
    static final Path DIR = Path.of("src/test/resources/large_unet");

    @Test
    void aRegionOfASideOutputMatchesPyTorchFloat64AtItsLogit() {
        Tensor x = Npy.read(DIR.resolve("unet_small.input.npy"));
        double[] expected = Npy.read(DIR.resolve("unet_small.region.npy")).toDoubleArray();
        try (OnnxModel model = OnnxModel.load(DIR.resolve("unet_small.onnx"), DevicePreference.CPU);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(model)) {
            assertTrue(model.precisionNote().startsWith("float16"), model.precisionNote());
            TargetGradients g = TargetGradients.compute(model, engine, JacobianRequest.of(Map.of("image", x)),
                OutputTarget.parse("d1[0,20:40,10:30]", null, null), false, ProgressMonitor.NONE);
            assertTrue(g.note().contains("the logit before the final Sigmoid of 'd1'"), g.note());
            assertArrayEquals(new long[] {2, 3, 64, 64}, g.gradients().shape());
            double largest = Arrays.stream(expected).map(Math::abs).max().orElseThrow();
            assertTrue(largest > 1e-3, "the reference is not all but zero");
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], g.gradients().getDouble(i), 1e-5 * largest, "entry " + i);
            }
        }
    }

    @Test
    void aWholeJacobianTooLargeIsRefusedBeforeTheGraphIsPrepared() {
        // 48 samples x 4096 outputs x 12288 inputs: more entries than one array holds
        Tensor x = Tensor.zeros(ElementType.FLOAT32, 48, 3, 64, 64);
        try (OnnxModel model = OnnxModel.load(DIR.resolve("unet_small.onnx"), DevicePreference.CPU);
             OnnxGraphPreparer graphs = new OnnxGraphPreparer(model);
             OnnxJacobianEngine engine = new OnnxJacobianEngine(graphs)) {
            JacobiException e = assertThrows(JacobiException.class,
                () -> engine.compute(JacobianRequest.of(Map.of("image", x)), ProgressMonitor.NONE));
            assertTrue(e.getMessage().contains("2415919104 elements"), e.getMessage());
            assertTrue(graphs.untouched(), "the graph was prepared before the refusal");
        }
    }
}
