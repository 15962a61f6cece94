package org.jacobi.cli;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.gsa.GsaResult;
import org.jacobi.gsa.GsaSetup;
import org.jacobi.spark.SparkGsaJob;
import org.jacobi.spark.SparkSessions;

/** {@code jacobi gsa ... --spark MASTER}: the prepared study run by {@link SparkGsaJob}. Found by name from {@link SparkSupport}. */
public final class SparkGsaBridge implements SparkSupport.StudyRunner {
    @Override
    public GsaResult run(GsaSetup.Prepared prepared, Path model, String master, int partitions, long maxMemoryBytes,
                         ProgressMonitor monitor) {
        SparkSession spark = SparkSessions.open(master, "jacobi gsa " + model.getFileName());
        return SparkGsaJob.run(spark, prepared.plan(), model, prepared.evaluator().heldInputs(), maxMemoryBytes, partitions,
            monitor);
    }
}
