package org.jacobi.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jacobi.core.JacobiException;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.gsa.GsaResult;
import org.jacobi.gsa.GsaSetup;
import org.jacobi.model.ModelFormat;
import org.jacobi.model.ModelLoader;

/**
 * Whether this build and class path can run Spark jobs. The Spark job's classes (src/spark, built by the spark
 * profile) and Apache Spark itself are optional: the desktop build has neither, so this class names them only as
 * strings and says in one line what is missing and how to get it.
 */
final class SparkSupport {
    static final String STATS_COMMAND = "org.jacobi.cli.JacobianStatsCommand";

    private SparkSupport() {
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, SparkSupport.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** True when this build holds the Spark job (the spark profile built it). */
    static boolean built() {
        return present(STATS_COMMAND);
    }

    /** Throws the line that says what is missing for a Spark job, or returns when nothing is. */
    static void require() {
        if (!built()) {
            throw JacobiException.usage("This build of Jacobi has no Spark job. Run it through ./jacobi (which builds it), "
                + "or build it with ./mvnw -B -Pspark -DskipTests package and use target/jacobi-spark.jar.");
        }
        if (!present("org.apache.spark.sql.SparkSession")) {
            throw JacobiException.usage("Apache Spark is not on the class path. Run through ./jacobi (it adds "
                + "$SPARK_HOME/jars, or the Spark the build fetched), or use spark-submit --class org.jacobi.cli.SparkJobMain "
                + "target/jacobi-spark.jar ...");
        }
    }

    /** Runs a prepared study as a Spark job; the Spark build implements it ({@code SparkGsaBridge}). */
    interface StudyRunner {
        /** @param master the --spark option, or null for the master spark-submit configured */
        GsaResult run(GsaSetup.Prepared prepared, Path model, String master, int partitions, long maxMemoryBytes,
                      ProgressMonitor monitor);
    }

    /**
     * The master a study runs on: the --spark option, else the one spark-submit set (system property spark.master,
     * seen only in the Spark build), else null: run in this process.
     */
    static String master(String option) {
        if (option != null) {
            return option;
        }
        return built() ? System.getProperty("spark.master") : null;
    }

    /** The Spark build's study runner, after checking that Spark can run and the model is ONNX. */
    static StudyRunner studyRunner(Path model) {
        require();
        if (ModelLoader.detectFormat(model) != ModelFormat.ONNX) {
            throw JacobiException.usage("The Spark job takes ONNX models; " + model.getFileName() + " is TorchScript. Export "
                + "it with torch.onnx.export, or run the study without --spark.");
        }
        try {
            return (StudyRunner) Class.forName("org.jacobi.cli.SparkGsaBridge").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new JacobiException("The Spark job's study runner is missing from this build: " + e, e);
        }
    }

    /** Runs {@code attribute --spark}; the Spark build implements it ({@code SparkAttributionBridge}). */
    interface AttributionRunner {
        int run(AttributeCommand command);
    }

    /** The Spark build's attribution runner, after checking that Spark can run. */
    static AttributionRunner attributionRunner() {
        require();
        try {
            return (AttributionRunner) Class.forName("org.jacobi.cli.SparkAttributionBridge").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new JacobiException("The Spark job's attribution runner is missing from this build: " + e, e);
        }
    }

    /** The Spark job's subcommands when this build has them (the CLI lists them only then). */
    static List<Class<?>> subcommands() {
        List<Class<?>> out = new ArrayList<>();
        if (built()) {
            try {
                out.add(Class.forName(STATS_COMMAND));
            } catch (ClassNotFoundException e) {
                // built() said it is there
            }
        }
        return out;
    }
}
