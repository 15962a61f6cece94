package org.jacobi.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jacobi.analysis.HessianSpectrum;
import org.jacobi.jacobian.HessianResult;
import org.jacobi.jacobian.ParameterNorms;

/** The report's Interactions (Hessian) and Parameters (weight sensitivity) sections. */
final class SecondOrderSections {
    private static final int TOP_EIGENVECTORS = 3;

    private SecondOrderSections() {
    }

    static List<Section> of(SecondOrder so, ReportSource source, List<Integer> shown, ReportOptions options) {
        List<Section> out = new ArrayList<>();
        if (so.hessian() != null && !so.hessian().vectorProduct()) {
            out.add(interactions(so.hessian(), source, shown, options));
        }
        if (so.parameters() != null) {
            out.add(parameters(so.parameters(), options));
        }
        if (!so.notes().isEmpty()) {
            List<Block> b = new ArrayList<>();
            so.notes().forEach(n -> b.add(new Block.Callout(n, false)));
            out.add(new Section("second-order-notes", "Second-order sensitivities", b));
        }
        return out;
    }

    private static Section interactions(HessianResult h, ReportSource source, List<Integer> shown, ReportOptions options) {
        List<Block> b = new ArrayList<>();
        int n = h.inputsPerSample();
        b.add(new Block.Paragraph("The Hessian of " + h.target() + " of " + h.of() + " with respect to " + h.wrt()
            + " (d2y / dx_i dx_j, computed exactly: " + h.backend() + "). Entry (i, j) says how the effect of input i on "
            + "the output changes when input j changes: large off-diagonal entries are pairs of inputs that act together. "
            + "Its eigenvectors are the input directions of strongest curvature; a positive eigenvalue curves the output "
            + "up along that direction, a negative one down."));
        boolean image = channelsFirstImage(h.sampleInputShape());
        for (int s : shown) {
            if (s >= h.samples()) {
                continue;
            }
            String who = h.batched() ? "sample " + s : "the input";
            float[] m = h.sampleHessian(s);
            double[] d = new double[m.length];
            for (int i = 0; i < m.length; i++) {
                d[i] = m[i];
            }
            PooledMatrix pooled = PooledMatrix.pool(d, n, n, options.heatmapMaxCells(), options.pooling());
            Charts.Png heat = Charts.heatmap(pooled, "Hessian of " + who + " (max |H| = " + Charts.fmt(pooled.maxAbs()) + ")",
                "input element of " + h.wrt(), "input element of " + h.wrt(), source.inputLabels(), source.inputLabels(), "d2y/dx2");
            b.add(new Block.Figure(heat.bytes(), "Heatmap of the Hessian of " + who, "Hessian of " + h.target() + ", "
                + who + ", " + pooled.describe() + ".", heat.width(), heat.height()));
            if (n > HessianSpectrum.MAX_INPUTS) {
                continue;
            }
            HessianSpectrum spectrum = HessianSpectrum.of(m, n);
            int shownValues = Math.min(n, 20);
            List<String> labels = new ArrayList<>();
            double[] values = new double[shownValues];
            for (int k = 0; k < shownValues; k++) {
                labels.add("λ" + (k + 1) + (spectrum.values()[k] < 0 ? " (−)" : " (+)"));
                values[k] = Math.abs(spectrum.values()[k]);
            }
            Charts.Png bars = Plots.barChart(labels, values, "|Eigenvalues| of the Hessian of " + who + ", sign in brackets",
                "|eigenvalue|");
            int[] inertia = spectrum.inertia();
            b.add(new Block.Figure(bars.bytes(), "Eigenvalues of the Hessian of " + who, inertia[0] + " positive, " + inertia[1]
                + " negative and " + inertia[2] + " zero eigenvalues (below 1e-6 of the largest)" + (n > shownValues
                ? "; the " + shownValues + " of largest magnitude are shown." : "."), bars.width(), bars.height()));
            List<List<String>> rows = new ArrayList<>();
            for (int k = 0; k < Math.min(TOP_EIGENVECTORS, n); k++) {
                double[] v = spectrum.vectors()[k];
                if (image) {
                    long[] shape = h.sampleInputShape();
                    int hh = (int) shape[1];
                    int ww = (int) (shape[2] * shape[0]);
                    PooledMatrix pm = PooledMatrix.pool(channelsSideBySide(v, shape), hh, ww, options.heatmapMaxCells(),
                        options.pooling());
                    Charts.Png img = Charts.heatmap(pm, "Eigenvector " + (k + 1) + " (λ = " + Charts.fmt(spectrum.values()[k])
                        + ") of " + who, "row", "column" + (shape[0] > 1 ? " (channels side by side)" : ""), null, null, "component");
                    b.add(new Block.Figure(img.bytes(), "Eigenvector " + (k + 1) + " of the Hessian of " + who + " as an image",
                        "Eigenvector " + (k + 1) + " as an image.", img.width(), img.height()));
                } else {
                    rows.add(List.of(who, "v" + (k + 1), Charts.fmt(spectrum.values()[k]), topEntries(v, source)));
                }
            }
            if (!rows.isEmpty()) {
                b.add(new Block.Table("Leading eigenvectors of the Hessian of " + who + ": their largest components",
                    List.of("sample", "eigenvector", "eigenvalue", "largest components"), rows,
                    new boolean[] {false, false, true, false}));
            }
        }
        return new Section("interactions", "Interactions (Hessian)", b);
    }

    /** [C, H, W] with C in 1..4 and at least 4 x 4 pixels: eigenvectors are drawn as images. */
    private static boolean channelsFirstImage(long[] shape) {
        return shape.length == 3 && shape[0] >= 1 && shape[0] <= 4 && shape[1] >= 4 && shape[2] >= 4;
    }

    /** A [C, H, W] vector as an H x (C*W) image, channels side by side. */
    private static double[] channelsSideBySide(double[] v, long[] shape) {
        int c = (int) shape[0];
        int hh = (int) shape[1];
        int ww = (int) shape[2];
        double[] out = new double[c * hh * ww];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < hh; y++) {
                for (int x = 0; x < ww; x++) {
                    out[y * c * ww + ch * ww + x] = v[(ch * hh + y) * ww + x];
                }
            }
        }
        return out;
    }

    private static String topEntries(double[] v, ReportSource source) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, c) -> Double.compare(Math.abs(v[c]), Math.abs(v[a])));
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < Math.min(4, v.length); k++) {
            sb.append(k == 0 ? "" : ", ").append(source.inputName(idx[k])).append(' ').append(Charts.fmt(v[idx[k]]));
        }
        return sb.toString();
    }

    private static Section parameters(ParameterNorms p, ReportOptions options) {
        List<Block> b = new ArrayList<>();
        b.add(new Block.Paragraph("Per-layer sensitivity: for each sample and each parameter tensor, the Frobenius norm "
            + "of the per-sample Jacobian d " + p.of() + " / d parameter (" + p.backend() + "; one block per sample, never "
            + "summed over the batch). It says which samples drive which layers: a large norm means that small changes of "
            + "that tensor move this sample's output a lot."));
        double[] means = p.means();
        Charts.Png bars = Plots.barChart(p.parameters(), means, "Mean over samples of ||d " + p.of() + " / d parameter||",
            "Frobenius norm");
        b.add(new Block.Figure(bars.bytes(), "Mean parameter sensitivity per tensor", "Mean over the " + p.samples()
            + (p.samples() == 1 ? " sample" : " samples") + ", per parameter tensor.", bars.width(), bars.height()));
        PooledMatrix pm = PooledMatrix.pool(p.norms().toDoubleArray(), p.samples(), p.parameters().size(),
            options.heatmapMaxCells(), options.pooling());
        List<String> sampleLabels = new ArrayList<>();
        for (int s = 0; s < p.samples(); s++) {
            sampleLabels.add("sample " + s);
        }
        Charts.Png heat = Charts.heatmap(pm, "Parameter sensitivity, samples x parameter tensors", "sample", "parameter tensor",
            sampleLabels, p.parameters(), "norm");
        b.add(new Block.Figure(heat.bytes(), "Heatmap of parameter sensitivity per sample", "Samples x parameter tensors, "
            + pm.describe() + ".", heat.width(), heat.height()));
        List<List<String>> rows = new ArrayList<>();
        for (int j = 0; j < p.parameters().size(); j++) {
            double max = 0;
            int arg = 0;
            for (int s = 0; s < p.samples(); s++) {
                if (p.norm(s, j) > max) {
                    max = p.norm(s, j);
                    arg = s;
                }
            }
            rows.add(List.of(p.parameters().get(j), Charts.fmt(means[j]), Charts.fmt(max), String.valueOf(arg)));
        }
        b.add(new Block.Table("Parameter sensitivity per tensor", List.of("parameter", "mean norm", "largest norm", "of sample"),
            rows, new boolean[] {false, true, true, true}));
        return new Section("parameters", "Parameters (weight sensitivity)", b);
    }
}
