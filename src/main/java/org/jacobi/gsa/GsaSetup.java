package org.jacobi.gsa;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jacobi.analysis.SampleGenerator;
import org.jacobi.analysis.SampleInputs;
import org.jacobi.analysis.TensorLabels;
import org.jacobi.core.ElementType;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.ResolvedRequest;
import org.jacobi.model.ElementLabels;
import org.jacobi.model.Model;
import org.jacobi.model.TensorSpec;

/** Checks a {@link GsaStudy} against a model and prepares its {@link StudyPlan} and {@link StudyEvaluator}. */
public final class GsaSetup {
    private GsaSetup() {
    }

    /** A study ready to run. */
    public record Prepared(StudyPlan plan, StudyEvaluator evaluator) {
    }

    /**
     * @param reference every model input with its batch axis (read from the study's reference file), or null when the
     *     study has none; row {@code study.referenceSample()} is the reference sample
     * @param baseDir where relative {@code data:} files are found (null: the working directory)
     * @param maxMemoryBytes the batch memory budget; 0 for the default
     */
    public static Prepared prepare(GsaStudy study, Model model, JacobianEngine engine, Map<String, Tensor> reference,
                                   Path baseDir, long maxMemoryBytes) {
        return prepare(study, model, engine, reference, baseDir, maxMemoryBytes, BatchAxis.AUTO);
    }

    /** As {@link #prepare(GsaStudy, Model, JacobianEngine, Map, Path, long)}, the inputs' batch axes as {@code --batch-axis} states them. */
    public static Prepared prepare(GsaStudy study, Model model, JacobianEngine engine, Map<String, Tensor> reference,
                                   Path baseDir, long maxMemoryBytes, BatchAxis batchAxis) {
        Map<String, Tensor> inputs = reference != null ? reference : SampleInputs.generate(model.info(), 1,
            SampleGenerator.Kind.ZEROS, 0);
        ResolvedRequest r = ResolvedRequest.resolve(model.info(),
            JacobianRequest.of(inputs).withWrtOf(study.wrt(), study.of()).withBatchAxis(batchAxis));
        int outputAxis = BatchAxis.outputAxis(model.info(), r.of());
        if (r.batched() && outputAxis > 0) {
            throw JacobiException.usage("Output '" + r.of() + "' holds its samples on axis " + outputAxis + ", and a study stacks its "
                + "rows on axis 0: choose another output with --of.");
        }
        if (reference == null && model.info().inputs().size() > 1) {
            throw JacobiException.usage("The model has inputs besides '" + r.wrt() + "' ("
                + String.join(", ", model.info().inputs().stream().map(TensorSpec::name).filter(n -> !n.equals(r.wrt()))
                    .toList()) + "): give --input with a sample of every input; the others keep that sample's values.");
        }
        int sample = reference == null ? 0 : study.referenceSample();
        if (sample >= r.samples()) {
            throw JacobiException.usage("Sample " + sample + " does not exist: the reference input holds "
                + (r.samples() == 1 ? "1 sample (use 0)." : r.samples() + " samples (0 to " + (r.samples() - 1) + ")."));
        }
        Map<String, Tensor> one = r.sampleRows(model.info(), inputs, sample, sample + 1);
        int elements = r.inputsPerSample();
        List<String> labels = ElementLabels.of(model, r.wrt(), elements)
            .orElseGet(() -> flatLabels(r.wrt(), r.sampleInputShape(), elements));
        double[] referenceValues = reference == null ? null : one.get(r.wrt()).toDoubleArray();
        Distribution[] dists = DistributionSpec.resolve(study.distributions(), labels, referenceValues, baseDir);

        Map<String, Tensor> others = new LinkedHashMap<>(one);
        others.remove(r.wrt());
        Tensor wrtValue = one.get(r.wrt());
        double[] median = medians(dists);
        Tensor y;
        synchronized (model) {
            Map<String, Tensor> feed = new LinkedHashMap<>(one);
            long[] shape = r.batched() ? prepend(r.sampleInputShape()) : r.sampleInputShape();
            feed.put(r.wrt(), Tensor.ofDoubles(median, shape).asType(wrtValue.type().isFloatingPoint()
                ? wrtValue.type() : ElementType.FLOAT32));
            y = model.run(feed, Set.of(r.of())).get(r.of());
        }
        double[] shift = y.toDoubleArray();
        long[] outShape = y.shape();
        long[] sampleOut = r.batched() && outShape.length > 0 ? Arrays.copyOfRange(outShape, 1, outShape.length)
            : outShape;
        int outputs = shift.length;
        for (int i = 0; i < outputs; i++) {
            if (!Double.isFinite(shift[i])) {
                shift[i] = 0;
            }
        }
        List<String> outLabels = ElementLabels.of(model, r.of(), outputs)
            .orElseGet(() -> flatLabels(r.of(), sampleOut, outputs));
        GsaStudy named = study.withModel(study.model(), r.wrt(), r.of());
        StudyPlan plan = new StudyPlan(named, r.wrt(), r.of(), dists, labels, outLabels, shift);
        StudyEvaluator evaluator = new StudyEvaluator(model, engine, r.wrt(), r.of(), r.sampleInputShape(), r.batched(),
            wrtValue.type(), others, batchAxis, r.axesOffZero(model.info(), inputs), outputs, maxMemoryBytes);
        return new Prepared(plan, evaluator);
    }

    private static double[] medians(Distribution[] dists) {
        double[] m = new double[dists.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = dists[i].quantile(0.5);
        }
        return m;
    }

    private static long[] prepend(long[] shape) {
        long[] s = new long[shape.length + 1];
        s[0] = 1;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    /** "x[3]" labels, or plain indices for a vector input, which read best in tables. */
    static List<String> flatLabels(String name, long[] shape, int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(TensorLabels.label(name, shape, i));
        }
        return out;
    }
}
