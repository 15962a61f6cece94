/**
 * The command line ({@code jacobi SUBCOMMAND ...}, picocli): one command class per subcommand, shared option
 * mixins, and one error handler that turns every failure into a one-line message and an exit code. May use every
 * logic package; never the UI or JavaFX, and no logic package depends on it. The Spark build adds its commands to
 * this package from src/spark; the main build names them only as strings ({@code SparkSupport}).
 */
package org.jacobi.cli;
