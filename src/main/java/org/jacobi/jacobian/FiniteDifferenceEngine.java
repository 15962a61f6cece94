package org.jacobi.jacobian;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.model.Model;
import org.jacobi.model.TensorSpec;

/**
 * Batched central finite differences: the approximate fallback and cross-check. With a batch axis, one
 * forward run perturbs the same element of every sample, and several directions are stacked along the
 * batch axis. Without one, each direction is its own set of runs.
 *
 * <p>The step of element {@code i} is {@code cbrt(eps) * max(|x_i|, typical |x| of its sample)}, where eps is
 * the model's float precision: the usual balance of truncation and rounding, scaled to the input. Every
 * derivative is taken with two steps, {@code h} and {@code 2h} (Richardson's comparison): their difference
 * estimates the truncation error of the result, {@code |D(h) - D(2h)| / 3}, and rounding adds
 * {@code eps * |f| / h}, from the function's own scale. The largest estimate goes into the result
 * ({@link JacobianResult#estimatedError()}), and a warning when it is large against the largest entry.
 */
public final class FiniteDifferenceEngine implements JacobianEngine {
    /** Estimated errors above this fraction of the largest entry are warned about. */
    static final double WARN_RELATIVE_ERROR = 1e-2;
    /** Copies of the batch per direction: +h, -h, +2h, -2h. */
    private static final int COPIES = 4;

    private final Model model;

    public FiniteDifferenceEngine(Model model) {
        this.model = model;
    }

    @Override
    public String name() {
        return "finite differences";
    }

    @Override
    public JacobianResult compute(JacobianRequest request, ProgressMonitor monitor) {
        long start = System.nanoTime();
        String wrt = request.wrt();
        if (wrt != null && model.info().input(wrt) == null && model.intermediateValues().contains(wrt)) {
            throw JacobiException.usage("Finite differences perturb the model's inputs, so they cannot differentiate with "
                + "respect to '" + wrt + "', a value inside the graph; use --mode auto, forward or reverse (exact autodiff).");
        }
        // of may name a value inside the graph: the model returns it when asked
        ResolvedRequest r = ResolvedRequest.resolve(model, request);
        // samples on another axis than 0 of the input or the output: differences of the whole tensors, cut into samples
        JacobianResult blocks = SampleBlocks.offAxisZero(model.info(), r, whole -> compute(whole, monitor));
        if (blocks != null) {
            return blocks;
        }
        Map<String, Tensor> inputs = request.inputs();
        Tensor x = r.wrtValue();
        Tensor y = model.run(inputs, Set.of(r.of())).get(r.of());
        int samples = r.samples();
        int nIn = r.inputsPerSample();
        long[] yShape = y.shape();
        long[] sampleOut = r.batched() ? Arrays.copyOfRange(yShape, 1, yShape.length) : yShape;
        int nOut = Math.toIntExact(Tensor.elementCount(sampleOut));
        boolean doublePrecision = x.type() == ElementType.FLOAT64 && y.type() == ElementType.FLOAT64;
        double eps = doublePrecision ? 2.2e-16 : 1.19e-7;
        double scale = Math.cbrt(eps);
        double[] xv = x.toDoubleArray();
        double[] typical = typicalMagnitudes(xv, samples, nIn);
        float[] jac = new float[samples * nOut * nIn];
        double worst = 0;

        // Directions per run: stacking COPIES copies of the batch along axis 0 must stay within the budget.
        long bytesPerCopy = 4L * (x.size() + y.size()) * 4;
        int perRun = r.batched() && nIn > 0
            ? (int) Math.max(1, Math.min(nIn, request.memoryBudget() / Math.max(1, COPIES * bytesPerCopy))) : 1;
        int runs = nIn == 0 ? 0 : (nIn + perRun - 1) / perRun;
        for (int run = 0; run < runs; run++) {
            monitor.checkCancelled();
            monitor.progress(run, runs, "finite differences " + (run * perRun) + "/" + nIn);
            int first = run * perRun;
            int count = Math.min(perRun, nIn - first);
            // Stack [+h, -h, +2h, -2h] per direction, each a full copy of the batch.
            int copies = COPIES * count;
            double[] stacked = new double[copies * xv.length];
            double[] steps = new double[count * samples];
            for (int d = 0; d < count; d++) {
                int elem = first + d;
                for (int b = 0; b < samples; b++) {
                    int pos = b * nIn + elem;
                    double h = scale * Math.max(Math.abs(xv[pos]), typical[b]);
                    // Make the steps exactly representable, so that (x+h)-(x-h) is what the model sees.
                    double hp = representable(x.type(), xv[pos] + h) - xv[pos];
                    steps[d * samples + b] = hp;
                }
                for (int c = 0; c < COPIES; c++) {
                    int base = (COPIES * d + c) * xv.length;
                    System.arraycopy(xv, 0, stacked, base, xv.length);
                    double factor = (c < 2 ? 1 : 2) * (c % 2 == 0 ? 1 : -1);
                    for (int b = 0; b < samples; b++) {
                        int pos = b * nIn + elem;
                        stacked[base + pos] = xv[pos] + factor * steps[d * samples + b];
                    }
                }
            }
            Map<String, Tensor> feed = stackInputs(inputs, r, stacked, copies);
            Tensor out;
            if (r.batched()) {
                out = model.run(feed, Set.of(r.of())).get(r.of());
            } else {
                List<Tensor> parts = new ArrayList<>();
                for (int c = 0; c < copies; c++) {
                    Map<String, Tensor> one = new LinkedHashMap<>(inputs);
                    one.put(r.wrt(), fromDoubles(x.type(), Arrays.copyOfRange(stacked, c * xv.length, (c + 1) * xv.length), x.shape()));
                    parts.add(model.run(one, Set.of(r.of())).get(r.of()));
                }
                out = concatFlat(parts);
            }
            int yLen = y.size();
            for (int d = 0; d < count; d++) {
                int elem = first + d;
                for (int b = 0; b < samples; b++) {
                    double h = steps[d * samples + b];
                    for (int o = 0; o < nOut; o++) {
                        int at = b * nOut + o;
                        double plus = out.getDouble((COPIES * d) * yLen + at);
                        double minus = out.getDouble((COPIES * d + 1) * yLen + at);
                        double plus2 = out.getDouble((COPIES * d + 2) * yLen + at);
                        double minus2 = out.getDouble((COPIES * d + 3) * yLen + at);
                        double d1 = (plus - minus) / (2 * h);
                        double d2 = (plus2 - minus2) / (4 * h);
                        double rounding = eps * Math.max(Math.abs(plus), Math.abs(minus)) / h;
                        worst = Math.max(worst, Math.abs(d1 - d2) / 3 + rounding);
                        jac[at * nIn + elem] = (float) d1;
                    }
                }
            }
        }
        monitor.progress(runs, runs, "done");
        long[] shape = concat(r.batched() ? new long[] {samples} : new long[0], sampleOut, r.sampleInputShape());
        JacobianResult result = new JacobianResult(Tensor.ofFloats(jac, shape), y, r.wrt(), r.of(), r.sampleInputShape(), sampleOut,
            r.batched(), JacobianMode.FD, false,
            "finite differences" + (model.precisionNote() == null ? "" : " (" + model.precisionNote() + ")"), model.device(), runs, System.nanoTime() - start,
            List.of(), worst);
        double relative = result.estimatedRelativeError();
        if (relative > WARN_RELATIVE_ERROR) {
            result = result.withWarnings(List.of(String.format(Locale.ROOT, "Finite differences: the estimated error "
                + "(%.1e) is %s of the largest entry; the result is unreliable. Use an exact mode if the model allows it.",
                worst, Double.isInfinite(relative) ? "more than all" : String.format(Locale.ROOT, "%.0f%%", 100 * relative))));
        }
        return result;
    }

    /** Per sample, the root mean square of its input (1 when it is all zeros): the scale of a step. */
    static double[] typicalMagnitudes(double[] xv, int samples, int nIn) {
        double[] out = new double[samples];
        for (int b = 0; b < samples; b++) {
            double sum = 0;
            for (int i = 0; i < nIn; i++) {
                double v = xv[b * nIn + i];
                sum += v * v;
            }
            double rms = nIn == 0 ? 0 : Math.sqrt(sum / nIn);
            out[b] = rms > 0 && Double.isFinite(rms) ? rms : 1;
        }
        return out;
    }

    private static double representable(ElementType type, double v) {
        return type == ElementType.FLOAT64 ? v : (float) v;
    }

    /** The inputs with wrt replaced by the stacked copies and every other batched input tiled to match. */
    private Map<String, Tensor> stackInputs(Map<String, Tensor> inputs, ResolvedRequest r, double[] stacked, int copies) {
        Map<String, Tensor> feed = new LinkedHashMap<>();
        Tensor x = r.wrtValue();
        long[] shape = x.shape();
        if (!r.batched()) {
            return feed;
        }
        long[] stackedShape = shape.clone();
        stackedShape[0] = shape[0] * copies;
        for (TensorSpec spec : model.info().inputs()) {
            Tensor t = inputs.get(spec.name());
            if (spec.name().equals(r.wrt())) {
                feed.put(spec.name(), fromDoubles(x.type(), stacked, stackedShape));
            } else if (r.carriesBatch(spec.name(), spec, t)) {
                List<Tensor> tiles = new ArrayList<>();
                for (int c = 0; c < copies; c++) {
                    tiles.add(t);
                }
                feed.put(spec.name(), Tensor.concatAlong(r.batchAxisOf(spec.name(), spec, t), tiles));
            } else {
                feed.put(spec.name(), t);
            }
        }
        return feed;
    }

    private static Tensor fromDoubles(ElementType type, double[] v, long[] shape) {
        Tensor t = Tensor.ofDoubles(v, shape);
        return type == ElementType.FLOAT64 ? t : t.asType(type);
    }

    private static Tensor concatFlat(List<Tensor> parts) {
        int total = parts.stream().mapToInt(Tensor::size).sum();
        double[] all = new double[total];
        int off = 0;
        for (Tensor p : parts) {
            double[] d = p.toDoubleArray();
            System.arraycopy(d, 0, all, off, d.length);
            off += d.length;
        }
        return Tensor.ofDoubles(all, total);
    }

    static long[] concat(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }

    @Override
    public void close() {
        // the model belongs to the caller
    }
}
