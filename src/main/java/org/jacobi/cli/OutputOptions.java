package org.jacobi.cli;

import picocli.CommandLine.Option;

/** --force and --quiet, shared by the commands that write files. */
final class OutputOptions {
    @Option(names = "--force", description = "Replace existing output files.")
    boolean force;

    @Option(names = "--quiet", description = "Print nothing but errors and warnings.")
    boolean quiet;
}
