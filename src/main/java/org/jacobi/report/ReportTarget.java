package org.jacobi.report;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.jacobi.analysis.OutputTarget;
import org.jacobi.analysis.TargetGradients;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.Model;

/**
 * What a report for a target ranks, instead of a whole output: one element ({@code 'scores[272]'}), a region summed
 * ({@code 'boxes[100:120,:]'}) or each sample's largest element ({@code 'y[top]'}). The target's gradient, one reverse
 * pass per sample through {@link TargetGradients}, stands in for the Jacobian with one row per target, so that the
 * ranking, the measures and the saliency maps are of that target rather than averages over every output element.
 *
 * @param descriptions what each row is, e.g. "scores[272]" or "the sum of boxes[100:120,:]"
 * @param note how the value differentiated was chosen (the logit before a final Sigmoid or Softmax), or null
 */
public record ReportTarget(List<String> descriptions, String note) {
    public ReportTarget {
        descriptions = List.copyOf(descriptions);
    }

    /**
     * The source of a report for {@code target}: its gradient at the request's inputs, exact (one reverse pass per
     * sample and target) unless the request asks for finite differences.
     *
     * @param request inputs, wrt (null for the first input), batch axis, mode and budget; its {@code of} is ignored
     * @param probability differentiate a final Sigmoid's or Softmax's output itself rather than the logit before it
     */
    public static ReportSource source(Model model, JacobianEngine engine, JacobianRequest request, OutputTarget target,
                                      boolean probability, ProgressMonitor monitor) {
        boolean fd = request.mode() == JacobianMode.FD;
        JacobianRequest r = fd ? request : request.withMode(JacobianMode.REVERSE);
        String wrt = r.wrt() != null ? r.wrt() : ResolvedRequest.resolve(model.info(), r).wrt();
        long start = System.nanoTime();
        TargetGradients g = TargetGradients.compute(model, engine, r.withWrtOf(wrt, null), target, probability, monitor);
        long nanos = System.nanoTime() - start;
        OutputTarget.Resolved resolved = g.target();
        int samples = resolved.samples();
        int targets = resolved.targets();
        long[] shape = g.gradients().shape();
        long[] sampleInput = Arrays.copyOfRange(shape, targets > 1 ? 2 : 1, shape.length);
        long[] layout = new long[sampleInput.length + 2];
        layout[0] = samples;
        layout[1] = targets;
        System.arraycopy(sampleInput, 0, layout, 2, sampleInput.length);
        Tensor value = model.run(r.inputs(), Set.of(g.of())).get(g.of());
        double[] y = new double[samples * targets];
        for (int s = 0; s < samples; s++) {
            for (int t = 0; t < targets; t++) {
                y[s * targets + t] = resolved.value(value, s, s, t);
            }
        }
        JacobianResult jr = new JacobianResult(g.gradients().reshape(layout), Tensor.ofDoubles(y, samples, targets), wrt,
            g.of(), sampleInput, new long[] {targets}, true, fd ? JacobianMode.FD : JacobianMode.REVERSE, !fd,
            engine.name() + ", one reverse pass per sample" + (targets > 1 ? " and target" : ""), model.device(),
            samples * targets, nanos, List.of());
        // described as the user wrote it ("scores[272]"), not by the logit's name inside the graph; the note says which
        String output = target.output() != null ? target.output() : model.info().outputs().get(0).name();
        List<String> descriptions = IntStream.range(0, targets).mapToObj(t -> resolved.describe(t).replace(g.of(), output))
            .toList();
        return ReportSource.of(model, r.inputs(), jr).withTarget(new ReportTarget(descriptions, g.note()));
    }

    /** "scores[272]", or "scores[272] (the logit before the final Sigmoid of 'scores' ...)" with the note. */
    String describe() {
        String what = descriptions.size() == 1 ? descriptions.get(0) : descriptions.size() + " targets ("
            + descriptions.get(0) + " to " + descriptions.get(descriptions.size() - 1) + ")";
        return note == null ? what : what + ", differentiated as " + note;
    }
}
