package org.jacobi.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import picocli.CommandLine.Option;

/** Options that choose what to differentiate and how; shared by jacobian, bench and report. */
public final class JacobianOptions {
    @Option(names = "--wrt", paramLabel = "NAME", description = "Input, value inside the graph (jacobi info --values) or parameter (e.g. l2.weight) to differentiate with respect to (default: the first floating-point input). With a parameter the layout is [batch, *output_shape, *parameter_shape].")
    String wrt;

    @Option(names = "--of", paramLabel = "NAME", description = "Output, or value inside the graph (jacobi info --values), to differentiate "
        + "(default: the first output). jacobian also takes part of one: NAME[i,j] (one element of each sample), NAME[0,10:20,:] "
        + "(a region, summed), NAME[top], NAME[each].")
    String of;

    /** The help of --batch-axis, which jacobian, bench, report, compare, hessian and info take. */
    static final String BATCH_AXIS_HELP = "0: axis 0 of every input holds independent samples; none: each input is one sample; "
        + "NAME=AXIS (repeatable): input NAME holds them on AXIS (a number, or none), e.g. state=1 for a state "
        + "[layers, batch, hidden]. Default: axis 0 where the model declares it dynamic (always for TorchScript), and the "
        + "axis of the same name elsewhere (jacobi info shows each input's).";

    @Option(names = "--batch-axis", paramLabel = "0|none|NAME=AXIS", description = BATCH_AXIS_HELP)
    List<String> batchAxes = new ArrayList<>();

    @Option(names = "--mode", paramLabel = "auto|forward|reverse|mixed|fd", defaultValue = "auto",
        description = "auto: forward when the input has no more elements than the output, else reverse, or mixed (ONNX) "
            + "when a cost model of the graph puts it at under half of both; mixed: reverse mode up to the graph's "
            + "cheapest bottleneck, forward mode after it; fd: central finite differences (approximate). Default: ${DEFAULT-VALUE}.")
    String mode = "auto";

    @Option(names = "--max-memory", paramLabel = "SIZE",
        description = "Memory budget for one chunk of work, e.g. 512M or 2G (default: a quarter of the Java heap).")
    String maxMemory;

    /** The request, {@code of} left to the caller (null): for the part of an output that --of points at. */
    JacobianRequest targetRequest(Map<String, Tensor> inputs) {
        long budget = maxMemory == null ? 0 : SizeParser.parseBytes(maxMemory, "--max-memory");
        return new JacobianRequest(inputs, wrt, null, BatchAxis.parse(batchAxes), JacobianMode.parse(mode), budget);
    }

    JacobianRequest request(Map<String, Tensor> inputs) {
        long budget = maxMemory == null ? 0 : SizeParser.parseBytes(maxMemory, "--max-memory");
        if (of != null && of.strip().endsWith("]")) {
            throw JacobiException.usage("--of " + of + " points at part of an output; `jacobi jacobian` answers that with one "
                + "reverse pass per sample. Here give the whole output's NAME.");
        }
        return new JacobianRequest(inputs, wrt, of, BatchAxis.parse(batchAxes), JacobianMode.parse(mode), budget);
    }
}
