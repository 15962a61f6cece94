package org.jacobi.cli;

import java.util.Map;
import org.jacobi.core.JacobiException;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options that choose what to differentiate and how; shared by jacobian, bench, report and compare. */
public final class JacobianOptions {
    @Option(names = "--wrt", paramLabel = "NAME", description = "Input, value inside the graph (jacobi info --values) or parameter (e.g. l2.weight) to differentiate with respect to (default: the first floating-point input). With a parameter the layout is [batch, *output_shape, *parameter_shape].")
    String wrt;

    @Option(names = "--of", paramLabel = "NAME", description = "Output, or value inside the graph (jacobi info --values), to differentiate "
        + "(default: the first output). jacobian also takes part of one: NAME[i,j] (one element of each sample), NAME[0,10:20,:] "
        + "(a region, summed), NAME[top], NAME[each].")
    String of;

    @Mixin
    BatchAxisOption batchAxis;

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
        return new JacobianRequest(inputs, wrt, null, batchAxis.rule(), JacobianMode.parse(mode), budget);
    }

    JacobianRequest request(Map<String, Tensor> inputs) {
        long budget = maxMemory == null ? 0 : SizeParser.parseBytes(maxMemory, "--max-memory");
        if (of != null && of.strip().endsWith("]")) {
            throw JacobiException.usage("--of " + of + " points at part of an output; `jacobi jacobian` answers that with one "
                + "reverse pass per sample. Here give the whole output's NAME.");
        }
        return new JacobianRequest(inputs, wrt, of, batchAxis.rule(), JacobianMode.parse(mode), budget);
    }
}
