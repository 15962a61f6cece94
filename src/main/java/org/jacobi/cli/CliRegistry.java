package org.jacobi.cli;

import java.util.ArrayList;
import java.util.List;

/** The subcommands beyond {@code info}; each is a picocli command class in this package. */
final class CliRegistry {
    private CliRegistry() {
    }

    /** One command a line, in the order {@code --help} lists them. */
    static List<Class<?>> subcommands() {
        List<Class<?>> all = new ArrayList<>(List.of(
            JacobianCommand.class,
            BenchCommand.class,
            OptimizeCommand.class,
            ReportCommand.class,
            CompareCommand.class,
            GsaCommand.class,
            HessianCommand.class,
            AttributeCommand.class
        ));
        all.addAll(SparkSupport.subcommands());
        return all;
    }
}
