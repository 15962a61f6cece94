package org.jacobi.cli;

import java.util.ArrayList;
import java.util.List;
import org.jacobi.core.JacobiException;

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
