package org.jacobi.spark;

import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/**
 * Where a job's samples come from: generated on the executors, or read from Parquet or NPY. The driver turns a
 * source into an RDD of {@link SampleBlock}s; every sample keeps its index, so results do not depend on how the
 * samples are partitioned.
 */
public interface SampleSource extends Serializable {
    /** The blocks of all samples; {@code elements} is what one sample must hold (the model's input size). */
    JavaRDD<SampleBlock> blocks(SparkSession spark, int elements, int partitions);

    /** The first (up to) {@code n} samples, read on the driver: they fix the graph's shapes. */
    float[] firstRows(SparkSession spark, int elements, int n);

    /** How the source reads in messages and the manifest. */
    String describe();
}
