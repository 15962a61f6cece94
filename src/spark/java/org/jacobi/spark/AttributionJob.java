package org.jacobi.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.jacobi.analysis.OutputTarget;
import org.jacobi.attribution.AttributionMethod;
import org.jacobi.attribution.AttributionProblem;
import org.jacobi.attribution.AttributionRunner;
import org.jacobi.attribution.AttributionSettings;
import org.jacobi.attribution.Baseline;
import org.jacobi.attribution.IntegrationRule;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Json;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.onnx.OnnxJacobianEngine;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.model.onnx.OnnxModels;
import org.jacobi.onnx.proto.Onnx;

/**
 * Attributions of every sample of a data set as a Spark job: each task loads the model once, runs one attribution
 * method ({@link AttributionRunner}, the command's own code and exact gradients) on its blocks of samples, writes them
 * as shards ({@code [samples, *input]}, or {@code [samples, targets, *input]} for several targets, with a manifest as
 * {@code jacobian-stats --jacobians} does) and sums them; the driver turns the sums into the data set's mean
 * attribution, mean absolute attribution and the spread (standard deviation) of the absolute attribution, per target
 * and input element.
 */
public final class AttributionJob {
    private AttributionJob() {
    }

    /**
     * What the executors rebuild the method from (the settings' own types are not serialisable). Methods that read
     * files (a GradientSHAP baseline set, a noise file) are not offered here.
     */
    public record Recipe(String method, int steps, String rule, String baseline, double blurSigma, boolean absolute,
                         int samples, double noise, long seed, int[] window, int[] stride, double fill) implements Serializable {
        /** The command's defaults for {@code method}. */
        public static Recipe defaults(String method) {
            AttributionSettings d = AttributionSettings.defaults();
            return new Recipe(method, d.steps(), "gausslegendre", "zero", 5, d.absolute(), d.samples(), d.noise(), d.seed(),
                d.window(), d.stride(), d.fill());
        }

        public Recipe withSteps(int n) {
            return new Recipe(method, n, rule, baseline, blurSigma, absolute, samples, noise, seed, window, stride, fill);
        }

        public AttributionSettings settings() {
            AttributionSettings d = AttributionSettings.defaults();
            return new AttributionSettings(steps, IntegrationRule.parse(rule), Baseline.parse(baseline, blurSigma, seed), absolute,
                samples, noise, seed, null, null, window, stride, fill, d.metricSamples(), d.sensitivityRadius(), d.curveSteps(),
                d.block(), d.layer(), d.relu());
        }

        public AttributionMethod build() {
            return settings().method(method);
        }
    }

    /**
     * @param of the output target as {@code attribute --of} takes it (null: the top element of the first output)
     * @param probability attribute the probability a final Sigmoid or Softmax gives, not the logit before it
     * @param shards the folder for per-sample attributions, or null
     */
    public record Settings(Path model, String of, boolean probability, Recipe recipe, SampleSource source, long maxMemoryBytes, int partitions,
                           String shards, boolean overwrite) {
    }

    /** The data set's sums, per (target, input element), and the shards written. */
    public record Outcome(long samples, int targets, long[] sampleShape, double[] sum, double[] sumAbs, double[] sumSquare,
                          List<JacobianShards.Shard> shards, String shardFolder) {
        public double[] mean() {
            return scaled(sum);
        }

        public double[] meanAbs() {
            return scaled(sumAbs);
        }

        /** The standard deviation of the absolute attribution over the samples (n - 1 in the denominator). */
        public double[] spreadAbs() {
            double[] out = new double[sum.length];
            for (int i = 0; i < out.length; i++) {
                double m = sumAbs[i] / samples;
                out[i] = samples > 1 ? Math.sqrt(Math.max(0, (sumSquare[i] - samples * m * m) / (samples - 1))) : Double.NaN;
            }
            return out;
        }

        private double[] scaled(double[] s) {
            double[] out = new double[s.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = s[i] / samples;
            }
            return out;
        }

        /** {@code [3, targets, *input sample shape]}: mean, mean absolute, spread of the absolute attribution. */
        public Tensor aggregates() {
            double[] all = new double[3 * sum.length];
            System.arraycopy(mean(), 0, all, 0, sum.length);
            System.arraycopy(meanAbs(), 0, all, sum.length, sum.length);
            System.arraycopy(spreadAbs(), 0, all, 2 * sum.length, sum.length);
            long[] shape = new long[sampleShape.length + 2];
            shape[0] = 3;
            shape[1] = targets;
            System.arraycopy(sampleShape, 0, shape, 2, sampleShape.length);
            return Tensor.ofDoubles(all, shape);
        }
    }

    public static Outcome run(SparkSession spark, Settings s) {
        byte[] model;
        long[] sampleShape;
        int targets;
        try (OnnxModel m = JacobianJob.loadOnnx(s.model()); OnnxJacobianEngine engine = new OnnxJacobianEngine(m)) {
            sampleShape = JacobianJob.sampleShape(m);
            int elements = Math.toIntExact(Tensor.elementCount(sampleShape));
            float[] first = s.source().firstRows(spark, elements, 1);
            // The method and target are checked here, on one sample, so that a bad option fails before any task.
            Shared probe = new Shared(OnnxModels.readBytes(s.model()), s.model().getFileName().toString(), s.of(), s.probability(), s.recipe(),
                sampleShape, s.maxMemoryBytes());
            targets = probe.attribute(m, engine, first, 0, 1).targets();
            model = probe.model();
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<Shared> shared = jsc.broadcast(new Shared(model, s.model().getFileName().toString(), s.of(), s.probability(), s.recipe(), sampleShape,
            s.maxMemoryBytes()));
        ShardFolder folder = s.shards() == null ? null
            : ShardFolder.prepare(spark.sparkContext().hadoopConfiguration(), s.shards(), spark.sparkContext().applicationId()
                + "-" + System.nanoTime(), s.overwrite());
        try {
            int partitions = s.partitions() > 0 ? s.partitions() : spark.sparkContext().defaultParallelism();
            int elements = Math.toIntExact(Tensor.elementCount(sampleShape));
            Sums total = s.source().blocks(spark, elements, partitions)
                .mapPartitions(new Work(shared, SparkSessions.taskCpus(spark), folder == null ? null : folder.partialLocation()))
                .treeReduce(Sums::merge, 2);
            List<JacobianShards.Shard> shards = new ArrayList<>(total.shards);
            shards.sort(Comparator.comparingLong(JacobianShards.Shard::first));
            if (folder != null) {
                folder.commit(manifest(s, total, targets, sampleShape, shards), shards);
            }
            return new Outcome(total.count, targets, sampleShape, total.sum, total.sumAbs, total.sumSquare, shards,
                folder == null ? null : folder.location());
        } catch (Exception e) {
            if (folder != null) {
                folder.abort();
            }
            throw SparkErrors.translate(e);
        } finally {
            shared.destroy();
        }
    }

    private static String manifest(Settings s, Sums total, int targets, long[] sampleShape, List<JacobianShards.Shard> shards) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "jacobi per-sample attributions");
        m.put("model", s.model().getFileName().toString());
        m.put("of", s.of());
        m.put("method", s.recipe().method());
        m.put("source", s.source().describe());
        m.put("format", JacobianShards.Format.NPY.extension());
        m.put("dtype", "float32");
        m.put("layout", targets == 1 ? "[samples, *input_shape]" : "[samples, targets, *input_shape]");
        m.put("targets", targets);
        m.put("sample_input_shape", sampleShape);
        m.put("samples", total.count);
        m.put("shards", shards.stream().map(JacobianShards.Shard::toJson).toList());
        return Json.write(m);
    }

    /** What every task needs: the model's bytes, the target and the method's recipe. */
    record Shared(byte[] model, String modelName, String of, boolean probability, Recipe recipe, long[] sampleShape, long maxMemoryBytes)
        implements Serializable {

        /** One block's attributions, {@code [count, targets, *input]} flat, and the target count. */
        Attributed attribute(OnnxModel m, OnnxJacobianEngine engine, float[] rows, int offset, int count) {
            long[] shape = new long[sampleShape.length + 1];
            shape[0] = count;
            System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
            int elements = Math.toIntExact(Tensor.elementCount(sampleShape));
            float[] x = new float[count * elements];
            System.arraycopy(rows, offset * elements, x, 0, x.length);
            String input = m.info().inputs().get(0).name();
            AttributionProblem problem = AttributionProblem.of(m, engine, Map.of(input, Tensor.ofFloats(x, shape)), input,
                OutputTarget.parse(of, null, null), probability, maxMemoryBytes, BatchAxis.AUTO);
            AttributionRunner.Result r = AttributionRunner.run(recipe.build(), problem, List.of(), recipe.settings(), ProgressMonitor.NONE);
            return new Attributed(r.values().floats(), problem.target().targets());
        }
    }

    record Attributed(float[] values, int targets) {
    }

    /** Sums over samples, per (target, element), and the shards a partition wrote. */
    static final class Sums implements Serializable {
        private static final long serialVersionUID = 1L;
        long count;
        double[] sum;
        double[] sumAbs;
        double[] sumSquare;
        final List<JacobianShards.Shard> shards = new ArrayList<>();

        void add(float[] values, int samples) {
            int per = values.length / samples;
            if (sum == null) {
                sum = new double[per];
                sumAbs = new double[per];
                sumSquare = new double[per];
            }
            for (int s = 0; s < samples; s++) {
                for (int i = 0; i < per; i++) {
                    double v = values[s * per + i];
                    sum[i] += v;
                    sumAbs[i] += Math.abs(v);
                    sumSquare[i] += v * v;
                }
            }
            count += samples;
        }

        static Sums merge(Sums a, Sums b) {
            if (b.sum != null) {
                if (a.sum == null) {
                    a.sum = new double[b.sum.length];
                    a.sumAbs = new double[b.sum.length];
                    a.sumSquare = new double[b.sum.length];
                }
                for (int i = 0; i < a.sum.length; i++) {
                    a.sum[i] += b.sum[i];
                    a.sumAbs[i] += b.sumAbs[i];
                    a.sumSquare[i] += b.sumSquare[i];
                }
            }
            a.count += b.count;
            a.shards.addAll(b.shards);
            return a;
        }
    }

    /** One partition: one model session and engine, each block attributed, summed and (with a folder) written. */
    static final class Work implements FlatMapFunction<Iterator<SampleBlock>, Sums> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<Shared> shared;
        private final int threads;
        private final String shardFolder;

        /** @param threads ONNX Runtime threads per task: the cores Spark allots a task, as the Jacobian and gsa jobs use */
        Work(Broadcast<Shared> shared, int threads, String shardFolder) {
            this.shared = shared;
            this.threads = threads;
            this.shardFolder = shardFolder;
        }

        @Override
        public Iterator<Sums> call(Iterator<SampleBlock> blocks) throws IOException {
            Shared s = shared.value();
            Sums sums = new Sums();
            Onnx.ModelProto proto = Onnx.ModelProto.parseFrom(s.model());
            try (OnnxModel m = OnnxModel.fromProto(Path.of(s.modelName()), proto, DevicePreference.CPU, threads);
                 OnnxJacobianEngine engine = new OnnxJacobianEngine(m)) {
                while (blocks.hasNext()) {
                    SampleBlock block = blocks.next();
                    Attributed a = s.attribute(m, engine, block.rows(), 0, block.count());
                    sums.add(a.values(), block.count());
                    if (shardFolder != null) {
                        long[] perSample = a.targets() == 1 ? new long[0] : new long[] {a.targets()};
                        sums.shards.add(JacobianShards.write(shardFolder, JacobianShards.Format.NPY, block.firstIndex(),
                            block.count(), null, a.values(), perSample, s.sampleShape()));
                    }
                }
            }
            return List.of(sums).iterator();
        }
    }
}
