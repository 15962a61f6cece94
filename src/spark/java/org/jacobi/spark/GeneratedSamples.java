package org.jacobi.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.jacobi.core.JacobiException;

/**
 * Samples made on the executors: uniform on [low, high) or normal(mean, std) per element, sample i drawn from its
 * own generator seeded by (seed, i), so every sample is the same whatever the partitioning.
 */
public final class GeneratedSamples implements SampleSource {
    private static final long serialVersionUID = 1L;
    /** Samples per block: large enough for full ONNX Runtime runs, small enough to hold many per task. */
    public static final int BLOCK = 4096;

    public enum Kind { UNIFORM, NORMAL }

    private final Kind kind;
    private final double a;
    private final double b;
    private final long count;
    private final long seed;

    /** {@code a, b}: low and high for UNIFORM, mean and standard deviation for NORMAL. */
    public GeneratedSamples(Kind kind, double a, double b, long count, long seed) {
        if (count < 1) {
            throw JacobiException.usage("The sample count must be a positive integer, not " + count + ".");
        }
        if (kind == Kind.UNIFORM && !(a < b) || kind == Kind.NORMAL && !(b > 0)) {
            throw JacobiException.usage(kind == Kind.UNIFORM ? "uniform:" + a + "," + b + " needs low < high."
                : "normal:" + a + "," + b + " needs a standard deviation above 0.");
        }
        this.kind = kind;
        this.a = a;
        this.b = b;
        this.count = count;
        this.seed = seed;
    }

    /** Parses {@code uniform:LOW,HIGH} or {@code normal:MEAN,STD} (plain {@code uniform} is [-1, 1), {@code normal} is (0, 1)). */
    public static GeneratedSamples parse(String spec, long count, long seed) {
        String[] kv = spec.split(":", 2);
        Kind kind = switch (kv[0].trim().toLowerCase(Locale.ROOT)) {
            case "uniform" -> Kind.UNIFORM;
            case "normal" -> Kind.NORMAL;
            default -> throw JacobiException.usage("Unknown distribution '" + kv[0] + "': use uniform:LOW,HIGH or normal:MEAN,STD.");
        };
        double p = kind == Kind.UNIFORM ? -1 : 0;
        double q = 1;
        if (kv.length == 2) {
            String[] ab = kv[1].split(",");
            try {
                if (ab.length != 2) {
                    throw new NumberFormatException();
                }
                p = Double.parseDouble(ab[0].trim());
                q = Double.parseDouble(ab[1].trim());
            } catch (NumberFormatException e) {
                throw JacobiException.usage("'" + spec + "' is not " + kv[0] + ":A,B with two numbers.");
            }
        }
        return new GeneratedSamples(kind, p, q, count, seed);
    }

    public long count() {
        return count;
    }

    @Override
    public JavaRDD<SampleBlock> blocks(SparkSession spark, int elements, int partitions) {
        List<long[]> ranges = new ArrayList<>();
        for (long start = 0; start < count; start += BLOCK) {
            ranges.add(new long[] {start, Math.min(BLOCK, count - start)});
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return jsc.parallelize(ranges, Math.max(1, Math.min(partitions, ranges.size())))
            .map(r -> rows(r[0], (int) r[1], elements));
    }

    @Override
    public float[] firstRows(SparkSession spark, int elements, int n) {
        return rows(0, (int) Math.min(n, count), elements).rows();
    }

    /** Samples {@code [first, first + n)}. */
    public SampleBlock rows(long first, int n, int elements) {
        float[] out = new float[n * elements];
        for (int s = 0; s < n; s++) {
            SplittableRandom random = new SplittableRandom(mix(seed, first + s));
            for (int e = 0; e < elements; e++) {
                double v = kind == Kind.UNIFORM ? a + (b - a) * random.nextDouble() : a + b * gaussian(random);
                out[s * elements + e] = (float) v;
            }
        }
        return new SampleBlock(first, n, elements, out);
    }

    private static long mix(long seed, long index) {
        // SplitMix64's finaliser over (seed, index): neighbouring indices get unrelated generators.
        long z = seed * 0x9E3779B97F4A7C15L + index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    @Override
    public String describe() {
        return count + " samples, " + (kind == Kind.UNIFORM ? "uniform:" : "normal:") + a + "," + b + ", seed " + seed;
    }
}
