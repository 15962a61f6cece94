package org.jacobi.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.jacobi.model.onnx.BigStackEnvironment;

/**
 * The Spark job's entry point ({@code spark-submit --class org.jacobi.cli.SparkJobMain jacobi-spark.jar gsa ...},
 * and what ./jacobi runs for {@code --spark}): Jacobi's command line without the desktop app. ONNX Runtime's
 * environment is created first, on a thread with a big stack, before Spark or anything else can touch it.
 */
public final class SparkJobMain {
    private SparkJobMain() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code;
        try {
            BigStackEnvironment.get();
            code = JacobiCli.execute(args, out, err);
        } catch (RuntimeException e) {
            err.println("jacobi: " + e.getMessage());
            code = 1;
        }
        // spark-submit waits for non-daemon threads (Spark's own); the job is done.
        System.exit(code);
    }
}
