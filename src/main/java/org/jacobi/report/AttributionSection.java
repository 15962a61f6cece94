package org.jacobi.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jacobi.analysis.Pixels;
import org.jacobi.analysis.Saliency;
import org.jacobi.attribution.AttributionOverlay;
import org.jacobi.attribution.AttributionProblem;
import org.jacobi.attribution.AttributionRunner;
import org.jacobi.core.Tensor;

/**
 * The report's attribution section: the target, each method's parameters, the completeness gap and metrics, the
 * methods' overlays side by side for the shown samples (image inputs), and the mean deletion/insertion curves.
 * With a target axis ({@code [each]}) the figures show the first target.
 */
public final class AttributionSection {
    /** Samples that get a row of overlays, at most. */
    static final int MAX_FIGURES = 6;

    private AttributionSection() {
    }

    public static Report addTo(Report report, AttributionProblem problem, List<AttributionRunner.Result> results) {
        List<Section> sections = new ArrayList<>(report.sections());
        sections.add(section(problem, results, report.shownSamples()));
        return new Report(report.title(), report.created(), sections, report.statistics(), report.singularValues(),
            report.shownSamples(), report.modelSha256(), report.source());
    }

    static Section section(AttributionProblem problem, List<AttributionRunner.Result> results, List<Integer> shown) {
        List<Block> b = new ArrayList<>();
        b.add(new Block.Paragraph("Attributions of " + problem.describeTarget() + " to input '" + problem.wrt() + "' "
            + shapeText(problem) + ", with exact gradients (" + problem.engine().name() + "). Red raises the target, blue lowers it."));
        List<List<String>> params = new ArrayList<>();
        for (AttributionRunner.Result r : results) {
            List<String> kv = new ArrayList<>();
            r.parameters().forEach((k, v) -> kv.add(k + " " + v));
            params.add(List.of(r.method(), kv.isEmpty() ? "-" : String.join(", ", kv), ReportBuilder.num(r.seconds())));
        }
        b.add(new Block.Table("Methods", List.of("Method", "Parameters", "Seconds"), params, new boolean[] {false, false, true}));
        b.add(metricsTable(results));
        if (Saliency.isImageShaped(problem.sampleShape())) {
            for (int s : shown.stream().filter(s -> s < problem.samples()).limit(MAX_FIGURES).toList()) {
                Charts.Png png = overlays(problem, results, s);
                b.add(new Block.Figure(png.bytes(), "Attributions of sample " + s, "Sample " + s + ": "
                    + String.join(", ", results.stream().map(AttributionRunner.Result::method).toList()) + ", left to right.",
                    png.width(), png.height()));
            }
        }
        for (String curve : List.of("deletion", "insertion")) {
            Map<String, double[][]> series = new LinkedHashMap<>();
            for (AttributionRunner.Result r : results) {
                double[][][] c = r.curves().get(curve);
                if (c != null) {
                    series.put(r.method(), meanCurve(c[0]));
                }
            }
            if (!series.isEmpty()) {
                Charts.Png plot = Plots.linePlot(series, capitalised(curve) + " curves (mean over samples)", "fraction of features "
                    + (curve.equals("deletion") ? "removed" : "inserted"), "target", false);
                b.add(new Block.Figure(plot.bytes(), capitalised(curve) + " curves", "The target as the most-attributed features are "
                    + (curve.equals("deletion") ? "removed: a steep fall is good." : "put back: a steep rise is good."), plot.width(), plot.height()));
            }
        }
        return new Section("attribution", "Attribution", b);
    }

    private static Block metricsTable(List<AttributionRunner.Result> results) {
        List<String> metricNames = new ArrayList<>();
        results.forEach(r -> r.metrics().keySet().stream().filter(m -> !metricNames.contains(m)).forEach(metricNames::add));
        List<String> header = new ArrayList<>(List.of("Method", "Largest |completeness gap|"));
        metricNames.forEach(m -> header.add(m + " (mean)"));
        List<List<String>> rows = new ArrayList<>();
        for (AttributionRunner.Result r : results) {
            List<String> row = new ArrayList<>(List.of(r.method(), r.completenessGap() == null ? "-"
                : ReportBuilder.num(Arrays.stream(r.completenessGap()).flatMapToDouble(Arrays::stream).map(Math::abs).max().orElse(0))));
            for (String m : metricNames) {
                double[][] v = r.metrics().get(m);
                row.add(v == null ? "-" : ReportBuilder.num(Arrays.stream(v).flatMapToDouble(Arrays::stream).average().orElse(Double.NaN)));
            }
            rows.add(row);
        }
        boolean[] numeric = new boolean[header.size()];
        Arrays.fill(numeric, 1, numeric.length, true);
        return new Block.Table("Completeness and metrics: deletion area low and insertion area high is better; infidelity "
            + "and sensitivity low is better", header, rows, numeric);
    }

    /** The methods' overlays of one sample, side by side. */
    private static Charts.Png overlays(AttributionProblem problem, List<AttributionRunner.Result> results, int sample) {
        long[] shape = problem.sampleShape();
        int h = (int) shape[1];
        int w = (int) shape[2];
        int n = problem.perSample();
        int factor = Math.max(1, 160 / Math.max(h, w));
        int gap = 8;
        int width = results.size() * (w * factor + gap) - gap;
        BufferedImage img = new BufferedImage(width, h * factor, BufferedImage.TYPE_INT_RGB);
        double[] x = Arrays.copyOfRange(problem.xValues(), sample * n, (sample + 1) * n);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, h * factor);
        g.dispose();
        int targets = problem.target().targets();
        for (int k = 0; k < results.size(); k++) {
            float[] v = results.get(k).values().floats();
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                a[i] = v[sample * targets * n + i];
            }
            int[] argb = Pixels.upscale(AttributionOverlay.pixels(x, a, shape), w, h, factor);
            img.setRGB(k * (w * factor + gap), 0, w * factor, h * factor, argb, 0, w * factor);
        }
        return Charts.png(img, width, h * factor);
    }

    private static double[][] meanCurve(double[][] perSample) {
        int points = perSample[0].length;
        double[] x = new double[points];
        double[] y = new double[points];
        for (int j = 0; j < points; j++) {
            x[j] = (double) j / (points - 1);
            for (double[] s : perSample) {
                y[j] += s[j] / perSample.length;
            }
        }
        return new double[][] {x, y};
    }

    private static String shapeText(AttributionProblem problem) {
        return Tensor.shapeToString(problem.sampleShape()) + " per sample";
    }

    private static String capitalised(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
