package org.jacobi;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jacobi.cli.JacobiCli;
import org.jacobi.ui.JacobiApp;

/**
 * The entry point. No arguments (or a model file alone, or {@code app ...}) opens the desktop app; anything
 * else is the command line, which needs no display. This class does not extend JavaFX's Application,
 * so JavaFX can start from the plain class path.
 */
public final class Launcher {
    /** Held so the logger keeps its level: JavaFX warns on every class-path start, which is how we start. */
    private static final Logger JAVAFX_PLATFORM_LOG = Logger.getLogger("javafx");

    private Launcher() {
    }

    public static void main(String[] args) {
        if (opensApp(args)) {
            String[] appArgs = args.length > 0 && args[0].equals("app")
                ? Arrays.copyOfRange(args, 1, args.length) : args;
            JAVAFX_PLATFORM_LOG.setLevel(Level.SEVERE);
            JacobiApp.launchApp(appArgs);
            return;
        }
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = JacobiCli.execute(args, out, err);
        System.exit(code);
    }

    static boolean opensApp(String[] args) {
        if (args.length == 0 || args[0].equals("app")) {
            return true;
        }
        String first = args[0].toLowerCase(Locale.ROOT);
        return (first.endsWith(".onnx") || first.endsWith(".pt")) && Files.isRegularFile(Path.of(args[0]));
    }
}
