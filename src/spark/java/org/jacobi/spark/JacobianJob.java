package org.jacobi.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.jacobi.analysis.JacobianStatistics;
import org.jacobi.core.DevicePreference;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.io.Json;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.onnx.PrebuiltJacobianGraph;
import org.jacobi.model.ModelFormat;
import org.jacobi.model.ModelLoader;
import org.jacobi.model.TensorSpec;
import org.jacobi.model.onnx.OnnxModel;

/**
 * Jacobian statistics as a Spark job: the driver differentiates the model once and broadcasts the graph's bytes;
 * every partition opens one ONNX Runtime session (SynapseML's pattern), computes its samples' Jacobians in
 * runs that fit the memory budget, adds them to float64 {@link JacobianStatistics} and, when asked, writes them as
 * shards; partitions' statistics combine with treeReduce. Executors never run the transform.
 */
public final class JacobianJob {
    private JacobianJob() {
    }

    /**
     * @param wrt the input to differentiate with respect to, or null for the first
     * @param fixed one sample of each other input, held fixed ({@link FixedInputs})
     * @param of the output, or null for the first
     * @param mode forward, reverse or auto
     * @param partitions how many partitions to spread generated samples over (0: Spark's default parallelism)
     * @param shards where to write per-sample Jacobians, or null for none
     */
    public record Settings(Path model, String wrt, Map<String, Tensor> fixed, String of, JacobianMode mode, SampleSource source, long maxMemoryBytes,
                           int partitions, String shards, JacobianShards.Format format, boolean overwrite) {
    }

    /** The statistics, the graph that made them, and the shards written (first sample order). */
    public record Outcome(JacobianStatistics statistics, PrebuiltJacobianGraph graph, List<JacobianShards.Shard> shards,
                          String shardsLocation) {
    }

    /** What one partition hands back; merges associatively. */
    record PartitionResult(JacobianStatistics statistics, List<JacobianShards.Shard> shards) implements Serializable {
        PartitionResult merge(PartitionResult other) {
            List<JacobianShards.Shard> all = new ArrayList<>(shards);
            all.addAll(other.shards);
            return new PartitionResult(statistics.merge(other.statistics), all);
        }
    }

    /** Loads an ONNX model for a Spark job (TorchScript models are refused with what to do instead). */
    public static OnnxModel loadOnnx(Path model) {
        if (ModelLoader.detectFormat(model) != ModelFormat.ONNX) {
            throw JacobiException.usage("The Spark job takes ONNX models; " + model.getFileName() + " is TorchScript. Export it "
                + "with torch.onnx.export, or run the study without --spark.");
        }
        return OnnxModel.load(model, DevicePreference.CPU);
    }

    /** The per-sample shape of the model's only input; every axis but the batch axis must be fixed. */
    public static long[] sampleShape(OnnxModel model) {
        List<TensorSpec> inputs = model.info().inputs();
        if (inputs.size() != 1) {
            throw JacobiException.usage(model.info().fileName() + " has " + inputs.size()
                + " inputs; the Spark job varies one of them: hold the others fixed.");
        }
        TensorSpec spec = inputs.get(0);
        if (!spec.hasShape() || spec.dims().isEmpty() || !spec.hasDynamicLeadingAxis()) {
            throw JacobiException.usage("Input '" + spec.name() + "' of " + model.info().fileName() + " has shape "
                + spec.shapeText() + "; the Spark job needs a dynamic batch axis 0 and fixed sample axes.");
        }
        long[] shape = new long[spec.dims().size() - 1];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = spec.dims().get(i + 1).size();
            if (shape[i] < 0) {
                throw JacobiException.usage("Input '" + spec.name() + "' of " + model.info().fileName() + " has shape "
                    + spec.shapeText() + "; the Spark job needs every axis but the batch axis fixed.");
            }
        }
        return shape;
    }

    public static Outcome run(SparkSession spark, Settings s) {
        PrebuiltJacobianGraph graph;
        int elements;
        try (OnnxModel file = loadOnnx(s.model()); OnnxModel model = FixedInputs.bake(file, s.wrt(), s.fixed())) {
            long[] sampleShape = sampleShape(model);
            elements = Math.toIntExact(Tensor.elementCount(sampleShape));
            float[] first = s.source().firstRows(spark, elements, 2);
            float[] two = first.length >= 2 * elements ? Arrays.copyOf(first, 2 * elements) : concat(first, first);
            long[] probeShape = new long[sampleShape.length + 1];
            probeShape[0] = 2;
            System.arraycopy(sampleShape, 0, probeShape, 1, sampleShape.length);
            graph = PrebuiltJacobianGraph.build(model, Tensor.ofFloats(two, probeShape), s.of(), s.mode(), s.maxMemoryBytes());
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<PrebuiltJacobianGraph> shared = jsc.broadcast(graph);
        ShardFolder folder = s.shards() == null ? null
            : ShardFolder.prepare(spark.sparkContext().hadoopConfiguration(), s.shards(), spark.sparkContext().applicationId()
                + "-" + System.nanoTime(), s.overwrite());
        try {
            int partitions = s.partitions() > 0 ? s.partitions() : spark.sparkContext().defaultParallelism();
            Work work = new Work(shared, SparkSessions.taskCpus(spark), folder == null ? null : folder.partialLocation(),
                s.format());
            PartitionResult total = s.source().blocks(spark, elements, partitions).mapPartitions(work)
                .treeReduce(PartitionResult::merge, 2);
            List<JacobianShards.Shard> shards = new ArrayList<>(total.shards());
            shards.sort(Comparator.comparingLong(JacobianShards.Shard::first));
            if (folder != null) {
                folder.commit(manifest(s, graph, total.statistics().count(), shards), shards);
            }
            return new Outcome(total.statistics(), graph, shards, folder == null ? null : folder.location());
        } catch (Exception e) {
            if (folder != null) {
                folder.abort();
            }
            throw SparkErrors.translate(e);
        } finally {
            shared.destroy();
        }
    }

    private static String manifest(Settings s, PrebuiltJacobianGraph g, long samples, List<JacobianShards.Shard> shards) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "jacobi per-sample jacobians");
        m.put("model", s.model().getFileName().toString());
        m.put("wrt", g.wrt());
        if (!s.fixed().isEmpty()) {
            Map<String, Object> fixed = new LinkedHashMap<>();
            s.fixed().forEach((name, value) -> fixed.put(name, value.toDoubleArray()));
            m.put("fixed", fixed);
        }
        m.put("of", g.of());
        m.put("mode", g.forward() ? "forward" : "reverse");
        m.put("source", s.source().describe());
        m.put("format", s.format().extension());
        m.put("dtype", "float32");
        m.put("layout", s.format() == JacobianShards.Format.NPY ? "[samples, *output_shape, *input_shape]"
            : "columns index, output [n_out], jacobian [n_out * n_in] row-major");
        m.put("sample_input_shape", g.sampleInputShape());
        m.put("sample_output_shape", g.sampleOutputShape());
        m.put("samples", samples);
        m.put("shards", shards.stream().map(JacobianShards.Shard::toJson).toList());
        return Json.write(m);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** One partition's work: one session, its blocks' Jacobians into statistics and shards. */
    static final class Work implements FlatMapFunction<Iterator<SampleBlock>, PartitionResult> {
        private static final long serialVersionUID = 1L;
        /** A shard is flushed when it holds about this many bytes of Jacobians. */
        private static final long SHARD_BYTES = 64L << 20;
        private final Broadcast<PrebuiltJacobianGraph> graph;
        private final int threads;
        private final String shardFolder;
        private final JacobianShards.Format format;

        Work(Broadcast<PrebuiltJacobianGraph> graph, int threads, String shardFolder, JacobianShards.Format format) {
            this.graph = graph;
            this.threads = threads;
            this.shardFolder = shardFolder;
            this.format = format;
        }

        @Override
        public Iterator<PartitionResult> call(Iterator<SampleBlock> blocks) throws IOException {
            PrebuiltJacobianGraph g = graph.value();
            int nOut = g.outputsPerSample();
            int nIn = g.inputsPerSample();
            JacobianStatistics stats = new JacobianStatistics(nOut, nIn);
            List<JacobianShards.Shard> shards = new ArrayList<>();
            int shardSamples = (int) Math.max(1, Math.min(1 << 20, SHARD_BYTES / (4L * nOut * nIn)));
            Pending pending = new Pending();
            try (PrebuiltJacobianGraph.Runner runner = g.open(threads)) {
                // Jacobians are held for at most this many samples at a time (32 MiB of float32).
                int step = (int) Math.max(1, Math.min(GeneratedSamples.BLOCK, (32L << 20) / (4L * nOut * nIn)));
                while (blocks.hasNext()) {
                    SampleBlock block = blocks.next();
                    for (int s0 = 0; s0 < block.count(); s0 += step) {
                        int n = Math.min(step, block.count() - s0);
                        PrebuiltJacobianGraph.Batch batch = runner.compute(block.rows(), s0 * nIn, n);
                        stats.add(batch.jacobian(), 0, batch.count());
                        if (shardFolder != null) {
                            long first = block.firstIndex() + s0;
                            if (!pending.continues(first) || pending.count + n > shardSamples) {
                                pending.flush(g, shards);
                            }
                            pending.add(first, batch);
                        }
                    }
                }
                if (shardFolder != null) {
                    pending.flush(g, shards);
                }
            }
            return List.of(new PartitionResult(stats, shards)).iterator();
        }

        /** Consecutive samples waiting to be written as one shard. */
        private final class Pending {
            long first = -1;
            int count;
            final List<PrebuiltJacobianGraph.Batch> batches = new ArrayList<>();

            boolean continues(long firstIndex) {
                return first < 0 || firstIndex == first + count;
            }

            void add(long firstIndex, PrebuiltJacobianGraph.Batch batch) {
                if (first < 0) {
                    first = firstIndex;
                }
                count += batch.count();
                batches.add(batch);
            }

            void flush(PrebuiltJacobianGraph g, List<JacobianShards.Shard> into) throws IOException {
                if (count == 0) {
                    return;
                }
                int nOut = g.outputsPerSample();
                int per = nOut * g.inputsPerSample();
                float[] y = new float[count * nOut];
                float[] jac = new float[Math.multiplyExact(count, per)];
                int at = 0;
                for (PrebuiltJacobianGraph.Batch b : batches) {
                    System.arraycopy(b.y(), 0, y, at * nOut, b.count() * nOut);
                    System.arraycopy(b.jacobian(), 0, jac, at * per, b.count() * per);
                    at += b.count();
                }
                into.add(JacobianShards.write(shardFolder, format, first, count, y, jac, g.sampleOutputShape(),
                    g.sampleInputShape()));
                first = -1;
                count = 0;
                batches.clear();
            }
        }
    }
}
