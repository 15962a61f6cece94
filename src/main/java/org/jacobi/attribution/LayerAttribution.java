package org.jacobi.attribution;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.model.ModelFormat;

/**
 * Attributions at a feature map inside the graph, mapped back onto the input: Grad-CAM (Captum's {@code LayerGradCam}:
 * {@code sum_c mean_spatial(dy/dA_c) * A_c}, with ReLU only when asked, as Captum's {@code relu_attributions} defaults
 * to false) and layer gradient × activation (Captum's {@code LayerGradientXActivation}, {@code A * dy/dA}, summed
 * over the layer's channels so that it is one map). The map {@code [1, *layer spatial]} is upsampled to the input's
 * spatial size by nearest neighbour, as {@code LayerAttribution.interpolate} does by default, and repeated over the
 * input's channels, so that it has the input's shape like every other method.
 *
 * <p>The layer is a value of an ONNX graph ({@link LayerChoice}); TorchScript modules would need hooks that the
 * PyTorch engine does not expose, so they are refused.
 */
public final class LayerAttribution implements AttributionMethod {
    /** The two layer methods. */
    public enum Kind {
        GRADCAM("gradcam"), GRADIENT_X_ACTIVATION("layer-gradxact");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Kind kind;
    private final String layer;
    private final boolean relu;
    /** The layer and its shape at the last {@link #attribute}, for {@link #parameters()} (the JSON beside the result). */
    private String usedLayer;
    private long[] usedShape;

    /**
     * @param layer the value name, or null for the last convolution's output
     * @param relu Grad-CAM only: keep the positive part (the original Grad-CAM; Captum's {@code relu_attributions})
     */
    public LayerAttribution(Kind kind, String layer, boolean relu) {
        this.kind = kind;
        this.layer = layer;
        this.relu = relu && kind == Kind.GRADCAM;
    }

    @Override
    public String name() {
        return kind.label();
    }

    @Override
    public synchronized Map<String, Object> parameters() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("layer", usedLayer != null ? usedLayer : layer);
        m.put("layer_shape", usedShape == null ? null : Arrays.stream(usedShape).boxed().toList());
        if (kind == Kind.GRADCAM) {
            m.put("relu", relu);
        }
        m.put("upsampling", "nearest");
        return m;
    }

    @Override
    public Attribution attribute(AttributionProblem problem, int target, ProgressMonitor monitor) {
        if (problem.model().info().format() == ModelFormat.TORCHSCRIPT) {
            throw JacobiException.usage(kind.label() + " needs gradients at a layer inside the model, which Jacobi takes in ONNX graphs "
                + "only: export the model to ONNX (torch.onnx.export) and name the layer's output value with --layer.");
        }
        String name = layer != null ? layer : LayerChoice.lastConvolution(problem.model());
        long[] inShape = problem.x().shape();
        int samples = problem.samples();
        int perSample = problem.perSample();
        double[] out = new double[samples * perSample];
        long[][] shape = new long[1][];
        PointBatches.layerGradients(problem, name, target, (s, a, g, offset, layerShape) -> {
            if (shape[0] == null) {
                shape[0] = LayerChoice.requireFeatureMap(name, layerShape, problem.sampleShape(), kind.label());
            }
            upsample(channelSum(a, g, offset, layerShape), layerShape, inShape, out, s * perSample);
        }, monitor);
        synchronized (this) {
            usedLayer = name;
            usedShape = shape[0];
        }
        return Attribution.of(out);
    }

    /** One sample's map {@code [*spatial]}: Grad-CAM's channel weights times the activation, or the activation times its gradient. */
    private double[] channelSum(double[] a, double[] g, int offset, long[] shape) {
        int channels = (int) shape[0];
        int spatial = Math.toIntExact(Tensor.elementCount(shape) / channels);
        double[] map = new double[spatial];
        for (int c = 0; c < channels; c++) {
            int base = offset + c * spatial;
            double weight = 0;
            if (kind == Kind.GRADCAM) {
                for (int i = 0; i < spatial; i++) {
                    weight += g[base + i];
                }
                weight /= spatial;
            }
            for (int i = 0; i < spatial; i++) {
                map[i] += (kind == Kind.GRADCAM ? weight : g[base + i]) * a[base + i];
            }
        }
        if (relu) {
            for (int i = 0; i < spatial; i++) {
                map[i] = Math.max(0, map[i]);
            }
        }
        return map;
    }

    /**
     * Nearest-neighbour upsampling of {@code map} (spatial axes of {@code layer} {@code [C, *spatial]}) to the spatial axes
     * of {@code input} {@code [batch, C', *spatial']}, repeated over the C' channels, into {@code out[offset ..]}. The
     * source index is PyTorch's: {@code min(floor(i * (float) (in / out)), in - 1)} in float arithmetic.
     */
    static void upsample(double[] map, long[] layer, long[] input, double[] out, int offset) {
        int axes = layer.length - 1;
        int[][] source = new int[axes][];
        for (int d = 0; d < axes; d++) {
            int in = (int) layer[d + 1];
            int size = (int) input[d + 2];
            float scale = (float) in / size;
            source[d] = new int[size];
            for (int i = 0; i < size; i++) {
                source[d][i] = in == size ? i : Math.min((int) Math.floor(i * scale), in - 1);
            }
        }
        int spatial = Math.toIntExact(Tensor.elementCount(Arrays.copyOfRange(input, 2, input.length)));
        int[] index = new int[axes];
        for (int p = 0; p < spatial; p++) {
            int rest = p;
            int src = 0;
            for (int d = axes - 1; d >= 0; d--) {
                index[d] = rest % source[d].length;
                rest /= source[d].length;
            }
            for (int d = 0; d < axes; d++) {
                src = src * (int) layer[d + 1] + source[d][index[d]];
            }
            for (int c = 0; c < input[1]; c++) {
                out[offset + c * spatial + p] = map[src];
            }
        }
    }
}
