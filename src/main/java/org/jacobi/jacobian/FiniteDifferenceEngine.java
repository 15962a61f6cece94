package org.jacobi.jacobian;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.core.ElementType;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.model.Model;
import org.jacobi.model.TensorSpec;

/**
 * Batched central finite differences: the approximate fallback and cross-check. With a batch axis, one
 * forward run perturbs the same element of every sample, and several directions are stacked along the
 * batch axis. Without one, each direction is its own pair of runs. The step is
 * {@code cbrt(eps) * max(1, |x|)} per element, the usual choice for central differences.
 */
public final class FiniteDifferenceEngine implements JacobianEngine {
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
        ResolvedRequest r = ResolvedRequest.resolve(model.info(), request);
        Map<String, Tensor> inputs = request.inputs();
        Tensor x = r.wrtValue();
        Tensor y = model.run(inputs, Set.of(r.of())).get(r.of());
        int samples = r.samples();
        int nIn = r.inputsPerSample();
        long[] yShape = y.shape();
        long[] sampleOut = r.batched() ? Arrays.copyOfRange(yShape, 1, yShape.length) : yShape;
        int nOut = Math.toIntExact(Tensor.elementCount(sampleOut));
        double eps = x.type() == ElementType.FLOAT64 ? 2.2e-16 : 1.19e-7;
        double scale = Math.cbrt(eps);
        double[] xv = x.toDoubleArray();
        float[] jac = new float[samples * nOut * nIn];

        // Directions per run: stacking 2k copies of the batch along axis 0 must stay within the budget.
        long bytesPerCopy = 4L * (x.size() + y.size()) * 4;
        int perRun = r.batched() ? (int) Math.max(1, Math.min(nIn, request.memoryBudget() / Math.max(1, 2 * bytesPerCopy))) : 1;
        int runs = (nIn + perRun - 1) / perRun;
        for (int run = 0; run < runs; run++) {
            monitor.checkCancelled();
            monitor.progress(run, runs, "finite differences " + (run * perRun) + "/" + nIn);
            int first = run * perRun;
            int count = Math.min(perRun, nIn - first);
            // Stack [+h dir_0, -h dir_0, +h dir_1, ...], each a full copy of the batch.
            int copies = 2 * count;
            double[] stacked = new double[copies * xv.length];
            double[] steps = new double[count * samples];
            for (int d = 0; d < count; d++) {
                int elem = first + d;
                for (int sign = 0; sign < 2; sign++) {
                    int base = (2 * d + sign) * xv.length;
                    System.arraycopy(xv, 0, stacked, base, xv.length);
                    for (int b = 0; b < samples; b++) {
                        int pos = b * nIn + elem;
                        double h = scale * Math.max(1.0, Math.abs(xv[pos]));
                        // Make the step exactly representable so (x+h)-(x-h) is what the model sees.
                        double hp = (float) (xv[pos] + h) - xv[pos];
                        stacked[base + pos] = xv[pos] + (sign == 0 ? hp : -hp);
                        steps[d * samples + b] = hp;
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
                        double plus = out.getDouble((2 * d) * yLen + b * nOut + o);
                        double minus = out.getDouble((2 * d + 1) * yLen + b * nOut + o);
                        jac[(b * nOut + o) * nIn + elem] = (float) ((plus - minus) / (2 * h));
                    }
                }
            }
        }
        monitor.progress(runs, runs, "done");
        long[] shape = concat(r.batched() ? new long[] {samples} : new long[0], sampleOut, r.sampleInputShape());
        return new JacobianResult(Tensor.ofFloats(jac, shape), y, r.wrt(), r.of(), r.sampleInputShape(), sampleOut,
            r.batched(), JacobianMode.FD, false,
            "finite differences" + (model.precisionNote() == null ? "" : " (" + model.precisionNote() + ")"), model.device(), runs, System.nanoTime() - start,
            List.of());
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
            } else if (t.rank() > 0 && t.dim(0) == shape[0] && (spec.dims() == null || spec.hasDynamicLeadingAxis())) {
                List<Tensor> tiles = new ArrayList<>();
                for (int c = 0; c < copies; c++) {
                    tiles.add(t);
                }
                feed.put(spec.name(), Tensor.concatRows(tiles));
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
