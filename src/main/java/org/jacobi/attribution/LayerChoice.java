package org.jacobi.attribution;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.model.Model;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.onnx.proto.Onnx;

/**
 * Which value inside a graph the layer methods ({@link LayerAttribution}) attribute at: by default the last
 * convolution's output, as Grad-CAM's authors and Captum's examples choose; any feature map
 * {@code [batch, channels, *spatial]} with as many spatial axes as the input otherwise.
 */
public final class LayerChoice {
    private static final Set<String> CONVOLUTIONS = Set.of("Conv", "ConvTranspose", "QLinearConv", "ConvInteger");

    private LayerChoice() {
    }

    /** The output of the last convolution of the model's main graph, in graph order. */
    public static String lastConvolution(Model model) {
        if (model instanceof OnnxModel onnx) {
            List<String> inside = model.intermediateValues();
            List<Onnx.NodeProto> nodes = onnx.proto().getGraph().getNodeList();
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Onnx.NodeProto node = nodes.get(i);
                if (node.getDomain().isEmpty() && CONVOLUTIONS.contains(node.getOpType()) && inside.contains(node.getOutput(0))) {
                    return node.getOutput(0);
                }
            }
        }
        throw JacobiException.usage(model.info().fileName() + " has no convolution inside its graph to take as the layer; "
            + "name a feature map with --layer (`jacobi info --values` lists the values and their shapes).");
    }

    /**
     * Checks that a layer's sample shape {@code [C, *spatial]} is a feature map that can be upsampled onto an input
     * sample of shape {@code [C', *spatial']}: as many spatial axes, none of them larger than the input's, not all of
     * length 1 (a pooled vector has no place to show).
     */
    public static long[] requireFeatureMap(String layer, long[] layerShape, long[] inputShape, String method) {
        if (!isFeatureMap(layerShape, inputShape)) {
            throw JacobiException.usage(method + " maps a feature map [channels, *spatial] onto the input " + Tensor.shapeToString(inputShape)
                + "; layer '" + layer + "' is " + Tensor.shapeToString(layerShape) + " per sample. Name a convolution's output with --layer.");
        }
        return layerShape;
    }

    private static boolean isFeatureMap(long[] layerShape, long[] inputShape) {
        if (inputShape.length < 2 || layerShape.length != inputShape.length || layerShape[0] < 1) {
            return false;
        }
        boolean spread = false;
        for (int d = 1; d < layerShape.length; d++) {
            if (layerShape[d] < 1 || layerShape[d] > inputShape[d]) {
                return false;
            }
            spread |= layerShape[d] > 1;
        }
        return spread;
    }

    /**
     * The feature maps inside the graph that the layer methods can attribute at, with one sample's shape, in graph
     * order: from one forward run at {@code inputs}. Empty for models without values inside.
     *
     * @param sampleShape one sample's shape of the attributed input
     */
    public static Map<String, long[]> featureMaps(Model model, Map<String, Tensor> inputs, long[] sampleShape) {
        Map<String, long[]> out = new LinkedHashMap<>();
        List<String> names = model.intermediateValues();
        if (names.isEmpty()) {
            return out;
        }
        Map<String, Tensor> values = model.run(inputs, new LinkedHashSet<>(names));
        for (String name : names) {
            Tensor t = values.get(name);
            if (t != null && t.rank() > 1 && t.type().isFloatingPoint()) {
                long[] shape = Arrays.copyOfRange(t.shape(), 1, t.rank());
                if (isFeatureMap(shape, sampleShape)) {
                    out.put(name, shape);
                }
            }
        }
        return out;
    }
}
