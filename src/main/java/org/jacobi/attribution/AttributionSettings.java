package org.jacobi.attribution;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;

/**
 * The parameters of every method and metric, with the defaults the command line and the app share, and the one
 * place that turns a method's name into an {@link AttributionMethod}.
 *
 * @param steps Integrated Gradients' steps
 * @param noise the noise tunnel's and infidelity's standard deviation as a fraction of the input's range
 * @param samples noise draws (smoothgrad, vargrad) and GradientSHAP draws per sample
 * @param noiseFile noise to add instead of drawing it, {@code [draws, *sample shape]}, or null
 * @param baselines GradientSHAP's baseline samples, or null
 * @param window occlusion window per axis of one sample (one number: every axis)
 * @param fill the value occlusion and the deletion/insertion curves fill in
 * @param metricSamples perturbations per sample for infidelity and sensitivity
 * @param sensitivityRadius sensitivity-max's uniform perturbation radius (Captum's default 0.02)
 * @param curveSteps points of the deletion/insertion curves after the first
 * @param block pixels per side of a deletion/insertion block for images; 0 for 1/16 of the larger side
 * @param layer gradcam, layer-gradxact: the value inside the graph, or null for the last convolution's output
 * @param relu gradcam: keep the positive part (Captum's {@code relu_attributions}, false by default as there)
 */
public record AttributionSettings(int steps, IntegrationRule rule, Baseline baseline, boolean absolute, int samples, double noise,
                                  long seed, Tensor noiseFile, Tensor baselines, int[] window, int[] stride, double fill,
                                  int metricSamples, double sensitivityRadius, int curveSteps, int block, String layer,
                                  boolean relu) {
    /** Every method name, in the order the help lists them. */
    public static final List<String> METHODS = List.of("saliency", "gradxinput", "ig", "smoothgrad", "smoothgrad-sq", "vargrad",
        "gradshap", "occlusion", "gradcam", "layer-gradxact");
    /** Every metric name. */
    public static final List<String> METRICS = List.of("infidelity", "sensitivity", "deletion", "insertion");

    public static AttributionSettings defaults() {
        return new AttributionSettings(50, IntegrationRule.GAUSS_LEGENDRE, Baseline.zero(), false, 50, 0.15, 0, null, null,
            new int[] {1}, new int[] {1}, 0, 10, 0.02, 20, 0, null, false);
    }

    /** The method called {@code name}. */
    public AttributionMethod method(String name) {
        String m = name.strip().toLowerCase(Locale.ROOT);
        NoiseTunnel.Kind tunnel = NoiseTunnel.Kind.byLabel(m);
        if (tunnel != null) {
            return new NoiseTunnel(new GradientSaliency(absolute), tunnel, samples, noise, seed, noiseFile);
        }
        switch (m) {
            case "saliency": return new GradientSaliency(absolute);
            case "gradxinput": return new InputXGradient();
            case "ig": return new IntegratedGradients(steps, rule, baseline);
            case "gradshap": return new GradientShap(baselines, samples, seed, null);
            case "occlusion": return new Occlusion(window, stride, fill);
            case "gradcam": return new LayerAttribution(LayerAttribution.Kind.GRADCAM, layer, relu);
            case "layer-gradxact": return new LayerAttribution(LayerAttribution.Kind.GRADIENT_X_ACTIVATION, layer, false);
            default:
                throw JacobiException.usage("Unknown method '" + name + "'. Use " + String.join(", ", METHODS) + ".");
        }
    }

    /** The methods of a comma-separated list, each once. */
    public List<AttributionMethod> methods(String list) {
        List<AttributionMethod> out = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String name : list.split(",")) {
            if (name.isBlank() || seen.contains(name.strip().toLowerCase(Locale.ROOT))) {
                continue;
            }
            seen.add(name.strip().toLowerCase(Locale.ROOT));
            out.add(method(name));
        }
        if (out.isEmpty()) {
            throw JacobiException.usage("--method names no method. Use " + String.join(", ", METHODS) + ".");
        }
        return out;
    }

    /** The metrics of a comma-separated list, checked. */
    public static List<String> metrics(String list) {
        List<String> out = new ArrayList<>();
        if (list == null) {
            return out;
        }
        for (String name : list.split(",")) {
            String m = name.strip().toLowerCase(Locale.ROOT);
            if (m.isEmpty() || out.contains(m)) {
                continue;
            }
            if (!METRICS.contains(m)) {
                throw JacobiException.usage("Unknown metric '" + name + "'. Use " + String.join(", ", METRICS) + ".");
            }
            out.add(m);
        }
        return out;
    }
}
