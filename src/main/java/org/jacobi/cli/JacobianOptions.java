package org.jacobi.cli;

import java.util.Map;
import org.jacobi.core.Tensor;
import org.jacobi.jacobian.BatchAxis;
import org.jacobi.jacobian.JacobianMode;
import org.jacobi.jacobian.JacobianRequest;
import picocli.CommandLine.Option;

/** Options that choose what to differentiate and how; shared by jacobian, bench and report. */
public final class JacobianOptions {
    @Option(names = "--wrt", paramLabel = "NAME", description = "Input or parameter (e.g. l2.weight) to differentiate with respect to (default: the first floating-point input). With a parameter the layout is [batch, *output_shape, *parameter_shape].")
    String wrt;

    @Option(names = "--of", paramLabel = "NAME", description = "Output to differentiate (default: the first output).")
    String of;

    @Option(names = "--batch-axis", paramLabel = "0|none", defaultValue = "auto",
        description = "0: axis 0 holds independent samples; none: the whole tensor is one sample. "
            + "Default: axis 0 when the model declares it dynamic (always for TorchScript).")
    String batchAxis = "auto";

    @Option(names = "--mode", paramLabel = "auto|forward|reverse|mixed|fd", defaultValue = "auto",
        description = "auto: forward when the input has no more elements than the output, else reverse, or mixed (ONNX) "
            + "when a cost model of the graph puts it at under half of both; mixed: reverse mode up to the graph's "
            + "cheapest bottleneck, forward mode after it; fd: central finite differences (approximate). Default: ${DEFAULT-VALUE}.")
    String mode = "auto";

    @Option(names = "--max-memory", paramLabel = "SIZE",
        description = "Memory budget for one chunk of work, e.g. 512M or 2G (default: a quarter of the Java heap).")
    String maxMemory;

    JacobianRequest request(Map<String, Tensor> inputs) {
        long budget = maxMemory == null ? 0 : SizeParser.parseBytes(maxMemory, "--max-memory");
        return new JacobianRequest(inputs, wrt, of, BatchAxis.parse(batchAxis), JacobianMode.parse(mode), budget);
    }
}
