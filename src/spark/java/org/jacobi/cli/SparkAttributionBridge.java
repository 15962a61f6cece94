package org.jacobi.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.jacobi.core.JacobiException;
import org.jacobi.io.AtomicFiles;
import org.jacobi.io.Json;
import org.jacobi.io.Npy;
import org.jacobi.spark.AttributionJob;
import org.jacobi.spark.SampleSource;
import org.jacobi.spark.SparkSessions;

/**
 * {@code jacobi attribute MODEL --spark MASTER --input TABLE|NPY-FOLDER --out A.npy}: {@link AttributionJob} over every
 * sample; writes the data set's aggregates {@code [3, targets, *input]} (mean, mean absolute, spread of the absolute
 * attribution) to A.npy, the same as lists with the run's parameters to A.npy.json, and the samples' attributions as
 * shards with a manifest in A.samples/. Found by name from {@link SparkSupport}.
 */
public final class SparkAttributionBridge implements SparkSupport.AttributionRunner {
    @Override
    public int run(AttributeCommand c) {
        if (c.inputs.size() != 1 || c.inputs.get(0).contains("=")) {
            throw JacobiException.usage("With --spark, give the samples as one --input TABLE|NPY-FOLDER (a Parquet table, or NPY "
                + "files of [samples, *input] for the model's one input).");
        }
        List<String> unsupported = new ArrayList<>();
        if (c.methods.contains(",")) {
            unsupported.add("several methods (run one job per method)");
        }
        if (c.metrics != null) {
            unsupported.add("--metrics");
        }
        if (c.pngDir != null) {
            unsupported.add("--png");
        }
        if (c.noiseFile != null || c.baselines != null) {
            unsupported.add("--noise-file and --baselines");
        }
        if (c.targetLabel != null || c.cotangent != null) {
            unsupported.add("--target-label and --cotangent (use --of)");
        }
        if (c.wrt != null) {
            unsupported.add("--wrt (the job attributes the model's first input)");
        }
        if (c.layer != null || c.relu) {
            unsupported.add("--layer and --relu (the layer methods run in one process)");
        }
        if (!unsupported.isEmpty()) {
            throw JacobiException.usage("attribute --spark does not take " + String.join(", ", unsupported) + ".");
        }
        Path json = Path.of(c.out + ".json");
        String stem = c.out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")
            ? c.out.getFileName().toString().substring(0, c.out.getFileName().toString().length() - 4) : c.out.getFileName().toString();
        Path shards = c.out.resolveSibling(stem + ".samples");
        for (Path f : List.of(c.out, json, shards)) {
            if (!c.output.force && Files.exists(f)) {
                throw JacobiException.usage(f + " already exists. Choose another name, or pass --force to replace it.");
            }
        }
        int[] window = AttributeCommand.sizes(c.window, "--window");
        int[] stride = c.stride == null ? window : AttributeCommand.sizes(c.stride, "--stride");
        AttributionJob.Recipe recipe = new AttributionJob.Recipe(c.methods.strip(), c.steps, c.rule, c.baseline, c.blurSigma,
            c.absolute, c.samples, c.noise, c.seed, window, stride, c.fill);
        recipe.build();
        long budget = c.maxMemory == null ? 0 : SizeParser.parseBytes(c.maxMemory, "--max-memory");
        String input = c.inputs.get(0);
        SampleSource source = JacobianStatsCommand.readSamples(input, null);
        long start = System.nanoTime();
        SparkSession session = SparkSessions.open(c.spark, "jacobi attribute " + c.modelPath.getFileName());
        AttributionJob.Outcome r = AttributionJob.run(session, new AttributionJob.Settings(c.modelPath, c.of, c.probability, recipe, source, budget,
            0, shards.toString(), c.output.force));
        double seconds = (System.nanoTime() - start) / 1e9;
        Npy.write(c.out, r.aggregates(), true);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "jacobi attribution aggregates");
        m.put("model", c.modelPath.getFileName().toString());
        m.put("input", input);
        m.put("of", c.of);
        m.put("probability", c.probability);
        m.put("method", recipe.method());
        m.put("parameters", recipe.build().parameters());
        m.put("samples", r.samples());
        m.put("targets", r.targets());
        m.put("sample_input_shape", r.sampleShape());
        m.put("layout", "[3, targets, *input_shape]: mean, mean_abs, spread_abs (standard deviation of |attribution|)");
        m.put("npy", c.out.getFileName().toString());
        m.put("mean", r.mean());
        m.put("mean_abs", r.meanAbs());
        m.put("spread_abs", r.spreadAbs());
        m.put("attributions", r.shardFolder());
        m.put("spark_master", session.sparkContext().master());
        m.put("seconds", seconds);
        String text = Json.write(m);
        AtomicFiles.write(json, true, o -> o.write(text.getBytes(StandardCharsets.UTF_8)));
        if (!c.output.quiet) {
            c.spec.commandLine().getOut().printf(Locale.ROOT, "%s attributions of %d samples on Spark %s: %.1f s. Wrote %s, %s and "
                + "%d shards in %s.%n", recipe.method(), r.samples(), session.sparkContext().master(), seconds, c.out, json,
                r.shards().size(), r.shardFolder());
        }
        return 0;
    }
}
