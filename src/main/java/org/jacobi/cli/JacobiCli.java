package org.jacobi.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.jacobi.core.BuildInfo;
import org.jacobi.core.CancelledException;
import org.jacobi.core.JacobiException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: {@code jacobi SUBCOMMAND ...}. Errors become one line on stderr and an exit code. */
@Command(name = "jacobi",
    mixinStandardHelpOptions = true,
    versionProvider = JacobiCli.Version.class,
    description = {"Per-sample Jacobians and sensitivity analysis of ONNX and TorchScript models.",
        "Without a subcommand, ./jacobi opens the desktop app."},
    footer = {"", "Run 'jacobi SUBCOMMAND --help' for the options of one subcommand.",
        "Add --verbose to any command to see the technical cause of an error.",
        "Exit codes: 0 success, 1 error, 2 usage error."},
    subcommands = {InfoCommand.class, CommandLine.HelpCommand.class})
public final class JacobiCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand.");
    }

    /** Prints the version of Jacobi and of its native backends. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "Jacobi " + BuildInfo.version() + " (" + BuildInfo.flavor() + " build)",
                "Java " + System.getProperty("java.version") + ", ONNX Runtime " + BuildInfo.onnxRuntimeVersion()
                    + ", DJL " + BuildInfo.djlVersion() + " with libtorch " + BuildInfo.libtorchVersion()};
        }
    }

    /** Subcommands added by other packages' commands register here, so this class stays the one entry. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean verbose) {
        CommandLine cl = new CommandLine(new JacobiCli());
        for (Class<?> extra : CliRegistry.subcommands()) {
            cl.addSubcommand(extra);
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println("jacobi: " + ex.getMessage());
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
            cmd.getErr().flush();
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter e = cmd.getErr();
            if (ex instanceof CancelledException) {
                e.println("jacobi: cancelled.");
                e.flush();
                return 130;
            }
            if (ex instanceof JacobiException je) {
                e.println("jacobi: " + je.getMessage());
                if (verbose) {
                    ex.printStackTrace(e);
                }
                e.flush();
                return je.exitCode();
            }
            e.println("jacobi: internal error: " + ex + (verbose ? "" : " (run with --verbose for details)"));
            if (verbose) {
                ex.printStackTrace(e);
            }
            e.flush();
            return 1;
        });
        return cl;
    }

    /** Runs the command line and returns the exit code. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        boolean verbose = false;
        List<String> rest = new ArrayList<>();
        for (String a : args) {
            if (a.equals("--verbose") || a.equals("-v")) {
                verbose = true;
            } else {
                rest.add(a);
            }
        }
        try {
            return commandLine(out, err, verbose).execute(rest.toArray(String[]::new));
        } finally {
            out.flush();
            err.flush();
        }
    }
}
