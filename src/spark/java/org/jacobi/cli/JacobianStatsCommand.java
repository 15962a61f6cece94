package org.jacobi.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.jacobi.analysis.JacobianStatistics;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.io.AtomicFiles;
import org.jacobi.io.Json;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.model.onnx.OnnxModel;
import org.jacobi.spark.FixedInputs;
import org.jacobi.spark.GeneratedSamples;
import org.jacobi.spark.JacobianJob;
import org.jacobi.spark.JacobianShards;
import org.jacobi.spark.NpySamples;
import org.jacobi.spark.ParquetSamples;
import org.jacobi.spark.SampleSource;
import org.jacobi.spark.SparkSessions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jacobi jacobian-stats MODEL ... --out stats.json}: statistics of per-sample Jacobians over many samples, as
 * a Spark job (in the Spark build only: ./jacobi builds it when asked for this command).
 */
@Command(name = "jacobian-stats", mixinStandardHelpOptions = true,
    description = {"Statistics of per-sample Jacobians over many samples, computed as an Apache Spark job:",
        "per output and input the mean of J, of |J| and of J^2 (the DGSM nu), and the spread of the singular values.",
        "Samples come from a Parquet table, NPY files, or are generated on the executors (--generate).",
        "Writes STATS.json and beside it STATS.mean.npy, .mean_abs.npy, .mean_square.npy ([*out, *in], float64)",
        "and .singular_values.npy ([4, k]: mean, std, min, max); --jacobians also writes every sample's Jacobian."})
public final class JacobianStatsCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL", description = "An ONNX (.onnx) file (with several inputs: --wrt and --fixed).")
    Path modelPath;

    @Option(names = {"-i", "--input"}, paramLabel = "TABLE|NPY",
        description = "Samples: a Parquet file or folder (one column per input element, or one array column), "
            + "or an .npy file, a folder of them or a glob ([rows, *sample shape]); any path Hadoop reads.")
    String input;

    @Option(names = "--column", paramLabel = "NAME", description = "The array column of the table to read.")
    String column;

    @Option(names = "--generate", paramLabel = "uniform:LOW,HIGH|normal:MEAN,STD",
        description = "Generate the samples on the executors instead, every element from this distribution.")
    String generate;

    @Option(names = {"-n", "--samples"}, paramLabel = "N", description = "How many samples --generate makes.")
    Long samples;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of --generate (default 0).")
    long seed;

    @Option(names = "--wrt", paramLabel = "NAME", description = "The input to differentiate with respect to (default: the first).")
    String wrt;

    @Option(names = "--fixed", paramLabel = "NAME=FILE.npy",
        description = "One sample of another input of the model, held fixed for every sample (repeat for each other input).")
    Map<String, Path> fixed = new LinkedHashMap<>();

    @Option(names = "--of", paramLabel = "NAME", description = "The output (default: the first).")
    String of;

    @Option(names = "--mode", paramLabel = "auto|forward|reverse", defaultValue = "auto",
        description = "Differentiation mode (default auto: the cheaper one).")
    String mode;

    @Option(names = {"-o", "--out"}, paramLabel = "STATS.json", required = true, description = "Where to write the statistics.")
    Path out;

    @Option(names = "--jacobians", paramLabel = "FOLDER",
        description = "Also write every sample's Jacobian as shards in this folder, with _manifest.json.")
    String jacobians;

    @Option(names = "--jacobians-format", paramLabel = "npy|parquet", defaultValue = "npy",
        description = "Shard format of --jacobians (default npy).")
    String shardFormat;

    @Option(names = "--spark", paramLabel = "MASTER",
        description = "Spark master: local[N], spark://HOST:PORT, yarn, k8s://URL (default: spark-submit's).")
    String master;

    @Option(names = "--partitions", paramLabel = "P", defaultValue = "0",
        description = "Partitions for generated or NPY samples (default: Spark's default parallelism).")
    int partitions;

    @Option(names = "--max-memory", paramLabel = "SIZE", description = "Memory one task's ONNX Runtime runs may use, e.g. 512M.")
    String maxMemory;

    @Mixin
    OutputOptions output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        SampleSource source = source();
        JacobianMode jacobianMode = switch (mode.toLowerCase(Locale.ROOT)) {
            case "auto" -> JacobianMode.AUTO;
            case "forward" -> JacobianMode.FORWARD;
            case "reverse" -> JacobianMode.REVERSE;
            default -> throw JacobiException.usage("--mode '" + mode + "' is not auto, forward or reverse.");
        };
        JacobianShards.Format format = JacobianShards.Format.parse(shardFormat);
        long budget = maxMemory == null ? 0 : SizeParser.parseBytes(maxMemory, "--max-memory");
        List<Path> files = outputs();
        for (Path f : files) {
            if (!output.force && f.toFile().exists()) {
                throw JacobiException.usage(f + " already exists. Choose another name, or pass --force to replace it.");
            }
        }
        SparkSupport.require();
        Map<String, Tensor> fixedValues = new LinkedHashMap<>();
        fixed.forEach((name, file) -> fixedValues.put(name, Npy.read(file)));
        try (OnnxModel model = JacobianJob.loadOnnx(modelPath)) {
            FixedInputs.bake(model, wrt, fixedValues).close();
        }
        long start = System.nanoTime();
        SparkSession spark = SparkSessions.open(master, "jacobi jacobian-stats " + modelPath.getFileName());
        JacobianJob.Outcome r = JacobianJob.run(spark, new JacobianJob.Settings(modelPath, wrt, fixedValues, of, jacobianMode, source, budget,
            partitions, jacobians, format, output.force));
        double seconds = (System.nanoTime() - start) / 1e9;
        write(r, files, seconds, spark.sparkContext().master());
        if (!output.quiet) {
            JacobianStatistics s = r.statistics();
            stdout.printf(Locale.ROOT, "Jacobian statistics of %d samples (%d outputs x %d inputs, %s mode) on Spark %s: "
                    + "%.1f s, %.0f samples/s. Wrote %s%s.%n", s.count(), s.outputs(), s.inputs(),
                r.graph().forward() ? "forward" : "reverse", spark.sparkContext().master(), seconds, s.count() / seconds, out,
                r.shardsLocation() == null ? "" : " and " + r.shards().size() + " shards in " + r.shardsLocation());
        }
        return 0;
    }

    private SampleSource source() {
        if ((input == null) == (generate == null)) {
            throw JacobiException.usage("Give the samples with --input TABLE|NPY or --generate uniform:LOW,HIGH (one of the two).");
        }
        if (generate != null) {
            if (samples == null) {
                throw JacobiException.usage("--generate needs --samples N.");
            }
            return GeneratedSamples.parse(generate, samples, seed);
        }
        if (samples != null) {
            throw JacobiException.usage("--samples goes with --generate; an --input is used whole.");
        }
        return readSamples(input, column);
    }

    /** Samples read from a Parquet table, or from NPY files (one file, or a folder of them). */
    static SampleSource readSamples(String input, String column) {
        String lower = input.toLowerCase(Locale.ROOT);
        boolean npy = lower.endsWith(".npy") || Files.isDirectory(Path.of(input)) && hasNpy(Path.of(input));
        return npy ? new NpySamples(input) : new ParquetSamples(input, column);
    }

    private static boolean hasNpy(Path dir) {
        try (var s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().endsWith(".npy"));
        } catch (IOException e) {
            return false;
        }
    }

    private String stem() {
        String name = out.getFileName().toString();
        return name.toLowerCase(Locale.ROOT).endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    }

    private List<Path> outputs() {
        String stem = stem();
        return List.of(out.resolveSibling(stem + ".mean.npy"), out.resolveSibling(stem + ".mean_abs.npy"),
            out.resolveSibling(stem + ".mean_square.npy"), out.resolveSibling(stem + ".singular_values.npy"), out);
    }

    /** The NPY files first, the JSON that names them last (each written whole or not at all). */
    private void write(JacobianJob.Outcome r, List<Path> files, double seconds, String sparkMaster) {
        JacobianStatistics s = r.statistics();
        long[] shape = concat(r.graph().sampleOutputShape(), r.graph().sampleInputShape());
        Npy.write(files.get(0), Tensor.ofDoubles(s.mean(), shape), true);
        Npy.write(files.get(1), Tensor.ofDoubles(s.meanAbs(), shape), true);
        Npy.write(files.get(2), Tensor.ofDoubles(s.meanSquare(), shape), true);
        double[][] sv = s.singularValueSpread();
        if (sv != null) {
            double[] flat = new double[4 * sv[0].length];
            for (int row = 0; row < 4; row++) {
                System.arraycopy(sv[row], 0, flat, row * sv[0].length, sv[0].length);
            }
            Npy.write(files.get(3), Tensor.ofDoubles(flat, 4, sv[0].length), true);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "jacobi jacobian statistics");
        m.put("model", modelPath.getFileName().toString());
        m.put("wrt", r.graph().wrt());
        m.put("of", r.graph().of());
        m.put("mode", r.graph().forward() ? "forward" : "reverse");
        m.put("sample_input_shape", r.graph().sampleInputShape());
        m.put("sample_output_shape", r.graph().sampleOutputShape());
        m.put("spark_master", sparkMaster);
        m.put("seconds", seconds);
        m.putAll(s.toJson());
        Map<String, Object> npy = new LinkedHashMap<>();
        npy.put("mean", files.get(0).getFileName().toString());
        npy.put("mean_abs", files.get(1).getFileName().toString());
        npy.put("mean_square", files.get(2).getFileName().toString());
        if (sv != null) {
            npy.put("singular_values", files.get(3).getFileName().toString());
        }
        m.put("npy", npy);
        if (r.shardsLocation() != null) {
            m.put("jacobians", r.shardsLocation());
        }
        String json = Json.write(m);
        AtomicFiles.write(out, true, o -> o.write(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static long[] concat(long[] a, long[] b) {
        long[] o = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, o, a.length, b.length);
        return o;
    }
}
