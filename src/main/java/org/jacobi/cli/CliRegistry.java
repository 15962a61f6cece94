package org.jacobi.cli;

import java.util.List;

/** The subcommands beyond {@code info}; each is a picocli command class in this package. */
final class CliRegistry {
    private CliRegistry() {
    }

    static List<Class<?>> subcommands() {
        return List.of(JacobianCommand.class, HessianCommand.class, BenchCommand.class, OptimizeCommand.class, ReportCommand.class);
    }
}
