package org.jacobi.attribution;

import static org.jacobi.TestFiles.fixture;
import static org.jacobi.TestFiles.resource;
import static org.jacobi.attribution.AttributionMethodsTest.TOLERANCE;
import static org.jacobi.attribution.AttributionMethodsTest.assertClose;
import static org.jacobi.attribution.AttributionMethodsTest.problem;
import static org.jacobi.attribution.AttributionMethodsTest.ref;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.junit.jupiter.api.Test;

/**
 * Grad-CAM and layer gradient × activation against float64 PyTorch evaluations of the same formulas, split at the
 * same layer and upsampled as Captum's LayerAttribution.interpolate does (scripts/make_attribution_references.py).
 */
class LayerAttributionTest {
    private static double[] run(Path file, Tensor x, LayerAttribution method, long maxMemory) {
        try (Model model = ModelLoader.load(file); ModelDerivatives d = new ModelDerivatives(model)) {
            return method.attribute(problem(model, d.exact(), Map.of("x", x), "[top]", maxMemory), 0, ProgressMonitor.NONE).values();
        }
    }

    private static LayerAttribution gradcam(String layer, boolean relu) {
        return new LayerAttribution(LayerAttribution.Kind.GRADCAM, layer, relu);
    }

    private static LayerAttribution gradxact(String layer) {
        return new LayerAttribution(LayerAttribution.Kind.GRADIENT_X_ACTIVATION, layer, false);
    }

    @Test
    void cnnSmallAtItsLastConvolutionMatchesPyTorch() {
        Path onnx = fixture("cnn_small.onnx");
        Tensor x = Npy.read(fixture("cnn_small.input.npy"));
        // the default layer is the last convolution's output, /c2/Conv_output_0 (14 x 14, upsampled twice)
        assertClose(ref("cnn_small.gradcam_lastconv_top.npy"), run(onnx, x, gradcam(null, false), 0), TOLERANCE, "gradcam");
        assertClose(ref("cnn_small.gradcam_relu_lastconv_top.npy"), run(onnx, x, gradcam("/c2/Conv_output_0", true), 0), TOLERANCE,
            "gradcam with relu");
        assertClose(ref("cnn_small.layer-gradxact_lastconv_top.npy"), run(onnx, x, gradxact(null), 0), TOLERANCE, "layer-gradxact");
    }

    @Test
    void aResidualNetworkMatchesPyTorchAtItsLastConvolutionAndAtItsBlockOutput() {
        Path onnx = resource("attribution/tiny_resnet.onnx");
        Tensor x = ref("tiny_resnet.input.npy"); // 21 x 21 input, 11 x 11 maps: nearest indices of a ratio that is not whole
        for (String kind : List.of("gradcam", "gradcam_relu", "layer-gradxact")) {
            LayerAttribution atConv = kind.equals("layer-gradxact") ? gradxact(null) : gradcam(null, kind.endsWith("relu"));
            LayerAttribution atBlock = kind.equals("layer-gradxact") ? gradxact("/block/relu_1/Relu_output_0")
                : gradcam("/block/relu_1/Relu_output_0", kind.endsWith("relu"));
            assertClose(ref("tiny_resnet." + kind + "_lastconv_top.npy"), run(onnx, x, atConv, 0), TOLERANCE, kind + " at the last conv");
            // a budget of about one sample per pass: the samples go through in several chunks
            assertClose(ref("tiny_resnet." + kind + "_block_top.npy"), run(onnx, x, atBlock, 700_000), TOLERANCE, kind + " at the block");
        }
    }

    @Test
    void parametersNameTheLayerAndItsShape() {
        LayerAttribution m = gradcam(null, false);
        run(fixture("cnn_small.onnx"), Npy.read(fixture("cnn_small.input.npy")), m, 0);
        assertEquals("/c2/Conv_output_0", m.parameters().get("layer"));
        assertEquals(List.of(16L, 14L, 14L), m.parameters().get("layer_shape"));
        assertEquals(false, m.parameters().get("relu"));
    }

    @Test
    void torchScriptAndValuesThatAreNoFeatureMapAreRefusedInOneLine() {
        Tensor x = Npy.read(fixture("cnn_small.input.npy"));
        JacobiException torch = assertThrows(JacobiException.class, () -> run(fixture("cnn_small.pt"), x, gradcam(null, false), 0));
        assertTrue(torch.getMessage().contains("export the model to ONNX"), torch.getMessage());
        JacobiException flat = assertThrows(JacobiException.class,
            () -> run(fixture("cnn_small.onnx"), x, gradcam("/Flatten_output_0", false), 0));
        assertTrue(flat.getMessage().contains("[784] per sample"), flat.getMessage());
        JacobiException noConv = assertThrows(JacobiException.class,
            () -> run(resource("attribution/linear.onnx"), ref("linear.input.npy"), gradcam(null, false), 0));
        assertTrue(noConv.getMessage().contains("no convolution"), noConv.getMessage());
        assertTrue(!torch.getMessage().contains("\n") && !flat.getMessage().contains("\n") && !noConv.getMessage().contains("\n"));
    }

    @Test
    void theLayerChooserListsFeatureMapsWithTheirShapes() {
        try (Model model = ModelLoader.load(resource("attribution/tiny_resnet.onnx"))) {
            Map<String, long[]> maps = LayerChoice.featureMaps(model, Map.of("x", ref("tiny_resnet.input.npy")), new long[] {3, 21, 21});
            assertTrue(maps.containsKey("/block/conv2/Conv_output_0"), maps.keySet().toString());
            assertArrayEquals(new long[] {8, 11, 11}, maps.get("/block/relu_1/Relu_output_0"));
            assertTrue(!maps.containsKey("/Flatten_output_0") && !maps.containsKey("/GlobalAveragePool_output_0"), maps.keySet().toString());
            assertEquals("/block/conv2/Conv_output_0", LayerChoice.lastConvolution(model));
        }
    }
}
