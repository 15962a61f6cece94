package org.jacobi.cli;

import java.util.ArrayList;
import java.util.List;
import org.jacobi.jacobian.BatchAxis;
import picocli.CommandLine.Option;

/** {@code --batch-axis}, the one option that says which axis of each input holds its samples; every command with inputs takes it. */
public final class BatchAxisOption {
    @Option(names = "--batch-axis", paramLabel = "0|none|NAME=AXIS", description = "0: axis 0 of every input holds independent "
        + "samples; none: each input is one sample; NAME=AXIS (repeatable): input NAME holds them on AXIS (a number, or none), "
        + "e.g. state=1 for a state [layers, batch, hidden]. Default: axis 0 where the model declares it dynamic (always for "
        + "TorchScript), and the axis of the same name elsewhere (jacobi info shows each input's).")
    List<String> values = new ArrayList<>();

    /** The rule the options give ({@link BatchAxis#parse(List)}); a usage error for a malformed one. */
    BatchAxis rule() {
        return BatchAxis.parse(values);
    }
}
