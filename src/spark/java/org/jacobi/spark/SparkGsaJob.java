package org.jacobi.spark;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.gsa.GsaMethod;
import org.jacobi.gsa.GsaResult;
import org.jacobi.gsa.GsaRunner;
import org.jacobi.gsa.GsaWarnings;
import org.jacobi.gsa.IndexSet;
import org.jacobi.gsa.StudyPlan;
import org.jacobi.gsa.StudyStatistics;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.onnx.PrebuiltJacobianGraph;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.onnx.OnnxModels;

/**
 * A global sensitivity study ({@link StudyPlan}) as a Spark job. The plan is shipped to the executors; each task
 * generates its base rows from (seed, row index) with {@link StudyPlan#inputRows}, evaluates them (the model's
 * forward pass, or for DGSM the differentiated graph built once on the driver) and adds them to the method's float64
 * {@link StudyStatistics}; treeReduce combines the partitions, and the driver finishes the indices exactly as
 * {@link GsaRunner} does, so the JSON is the single-machine command's.
 */
public final class SparkGsaJob {
    /** Model rows per evaluation block at most (a block is the unit of a task's work). */
    private static final int ROWS_PER_BLOCK = 8192;
    /** The memory one block may hold when no --max-memory is given. */
    private static final long DEFAULT_BLOCK_BYTES = 64L << 20;

    private SparkGsaJob() {
    }

    /**
     * @param held every model input but the varied one, at the value the study holds it ({@link FixedInputs} bakes them
     *     into the graph the executors run)
     */
    public static GsaResult run(SparkSession spark, StudyPlan plan, Path model, Map<String, Tensor> held,
                                long maxMemoryBytes, int partitions, ProgressMonitor monitor) {
        long start = System.nanoTime();
        byte[] modelBytes;
        long[] sampleShape;
        PrebuiltJacobianGraph graph = null;
        try (OnnxModel file = JacobianJob.loadOnnx(model); OnnxModel m = FixedInputs.bake(file, plan.wrt(), held)) {
            sampleShape = JacobianJob.sampleShape(m);
            modelBytes = held.isEmpty() ? OnnxModels.readBytes(model) : m.proto().toByteArray();
            if (plan.study().methods().contains(GsaMethod.DGSM)) {
                double[] probe = plan.inputRows(GsaMethod.DGSM, 0, 2);
                float[] p = new float[probe.length];
                for (int i = 0; i < p.length; i++) {
                    p[i] = (float) probe[i];
                }
                long[] shape = new long[sampleShape.length + 1];
                shape[0] = 2;
                System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
                graph = PrebuiltJacobianGraph.build(m, Tensor.ofFloats(p, shape), plan.of(), JacobianMode.AUTO, maxMemoryBytes);
            }
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int parts = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
        Broadcast<Shared> shared;
        try {
            shared = jsc.broadcast(new Shared(plan, modelBytes, model.getFileName().toString(), sampleShape, graph));
        } catch (Exception e) {
            throw SparkErrors.translate(e);
        }
        int threads = SparkSessions.taskCpus(spark);
        Map<GsaMethod, List<IndexSet>> convergence = new EnumMap<>(GsaMethod.class);
        long runs = 0;
        long jacobians = 0;
        long total = 0;
        for (GsaMethod method : plan.study().methods()) {
            total += plan.evaluations(method);
        }
        long done = 0;
        try {
            for (GsaMethod method : plan.study().methods()) {
                monitor.checkCancelled();
                monitor.progress(done, total, method.label() + " on Spark");
                int per = plan.rowsPerBase(method);
                long rows = plan.baseRows(method);
                // Whole sum blocks per task, batched as in one process: the same bits (StudyStatistics.SUM_BLOCK).
                int batch = StudyStatistics.batchBaseRows(per, blockRows(plan, method, maxMemoryBytes));
                long unit = StudyStatistics.SUM_BLOCK;
                List<long[]> ranges = new ArrayList<>();
                for (long from = 0; from < rows; from += unit) {
                    ranges.add(new long[] {from, Math.min(unit, rows - from)});
                }
                StudyStatistics stats = jsc.parallelize(ranges, Math.max(1, Math.min(parts, ranges.size())))
                    .mapPartitions(new MethodWork(shared, method, batch, threads))
                    .treeReduce((a, b) -> {
                        a.combine(b);
                        return a;
                    }, 2);
                convergence.put(method, stats.convergence(plan.checkpoints(method).length));
                if (method == GsaMethod.DGSM) {
                    jacobians += plan.evaluations(method);
                } else {
                    runs += plan.evaluations(method);
                }
                done += plan.evaluations(method);
            }
        } catch (Exception e) {
            throw SparkErrors.translate(e);
        } finally {
            shared.destroy();
        }
        monitor.progress(total, total, "done");
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> warnings = new ArrayList<>(GsaWarnings.of(plan, convergence));
        return new GsaResult(plan, convergence, runs, jacobians, seconds, warnings, "ONNX autodiff",
            SparkSessions.describe(spark));
    }

    /** Model rows per block: inputs, outputs and (DGSM) Jacobians of a block within the memory budget. */
    static int blockRows(StudyPlan plan, GsaMethod method, long maxMemoryBytes) {
        long budget = maxMemoryBytes > 0 ? maxMemoryBytes : DEFAULT_BLOCK_BYTES;
        long perRow = 8L * (plan.elements() + plan.outputs()) * 2;
        if (method == GsaMethod.DGSM) {
            perRow += 4L * plan.outputs() * plan.elements() + 8L * plan.outputs() * plan.variedCount();
        }
        return (int) Math.max(1, Math.min(ROWS_PER_BLOCK, budget / perRow));
    }

    /** What every task needs, broadcast once. */
    record Shared(StudyPlan plan, byte[] model, String modelName, long[] sampleShape, PrebuiltJacobianGraph graph)
        implements Serializable {
    }

    /** One partition: its base-row ranges evaluated and added to one method's statistics. */
    static final class MethodWork implements FlatMapFunction<Iterator<long[]>, StudyStatistics> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Shared> shared;
        private final GsaMethod method;
        /** Base rows evaluated at once, within the memory budget. */
        private final int batch;
        private final int threads;

        MethodWork(Broadcast<Shared> shared, GsaMethod method, int batch, int threads) {
            this.shared = shared;
            this.method = method;
            this.batch = batch;
            this.threads = threads;
        }

        @Override
        public Iterator<StudyStatistics> call(Iterator<long[]> ranges) {
            Shared s = shared.value();
            StudyPlan plan = s.plan();
            StudyStatistics stats = plan.newStatistics(method);
            int per = plan.rowsPerBase(method);
            int d = plan.variedCount();
            if (method == GsaMethod.DGSM) {
                try (PrebuiltJacobianGraph.Runner runner = s.graph().open(threads)) {
                    int nIn = s.graph().inputsPerSample();
                    int nOut = s.graph().outputsPerSample();
                    for (long[] r : batches(ranges)) {
                        int count = (int) r[1];
                        double[] inputs = plan.inputRows(method, r[0], count);
                        float[] x = new float[inputs.length];
                        for (int i = 0; i < x.length; i++) {
                            x[i] = (float) inputs[i];
                        }
                        PrebuiltJacobianGraph.Batch b = runner.compute(x, 0, count);
                        double[] outputs = new double[count * nOut];
                        double[] jac = new double[count * nOut * d];
                        for (int row = 0; row < count; row++) {
                            for (int o = 0; o < nOut; o++) {
                                outputs[row * nOut + o] = b.y()[row * nOut + o];
                                int src = (row * nOut + o) * nIn;
                                int dst = (row * nOut + o) * d;
                                for (int k = 0; k < d; k++) {
                                    jac[dst + k] = b.jacobian()[src + plan.variedElement(k)];
                                }
                            }
                        }
                        GsaRunner.checkFinite(plan, method, r[0], per, inputs, jac, d, "derivative");
                        GsaRunner.checkFinite(plan, method, r[0], per, inputs, outputs, 1, "output");
                        stats.add(r[0], count, outputs, jac);
                    }
                }
            } else {
                try (ForwardRunner runner = new ForwardRunner(s.model(), s.modelName(), plan.wrt(), plan.of(), s.sampleShape(),
                    threads)) {
                    for (long[] r : batches(ranges)) {
                        int count = (int) r[1];
                        double[] inputs = plan.inputRows(method, r[0], count);
                        double[] outputs = runner.run(inputs, count * per);
                        GsaRunner.checkFinite(plan, method, r[0], per, inputs, outputs, 1, "output");
                        stats.add(r[0], count, outputs, null);
                    }
                }
            }
            return List.of(stats).iterator();
        }

        /** The partition's ranges cut into batches of at most {@link #batch} base rows, in order. */
        private List<long[]> batches(Iterator<long[]> ranges) {
            List<long[]> out = new ArrayList<>();
            while (ranges.hasNext()) {
                long[] r = ranges.next();
                for (long from = r[0]; from < r[0] + r[1]; from += batch) {
                    out.add(new long[] {from, Math.min(batch, r[0] + r[1] - from)});
                }
            }
            return out;
        }
    }
}
