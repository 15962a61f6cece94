package org.jacobi.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.SparkSession;

/**
 * Generated samples with something done to every block on the executors before the job sees it: a failure
 * injected into one task, or a pause that keeps tasks running while a test kills an executor.
 */
final class InterceptedSamples implements SampleSource {
    private static final long serialVersionUID = 1L;
    private final GeneratedSamples inner;
    private final String what;
    private final Function<SampleBlock, SampleBlock> onBlock;

    InterceptedSamples(GeneratedSamples inner, String what, Function<SampleBlock, SampleBlock> onBlock) {
        this.inner = inner;
        this.what = what;
        this.onBlock = onBlock;
    }

    @Override
    public JavaRDD<SampleBlock> blocks(SparkSession s, int elements, int partitions) {
        return inner.blocks(s, elements, partitions).map(onBlock);
    }

    @Override
    public float[] firstRows(SparkSession s, int elements, int n) {
        return inner.firstRows(s, elements, n);
    }

    @Override
    public String describe() {
        return what + ": " + inner.describe();
    }
}
