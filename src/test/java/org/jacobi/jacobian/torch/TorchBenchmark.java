package org.jacobi.jacobian.torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.JacobianResult;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;

/**
 * Samples per second of the TorchScript engine on the fixtures at batch 256 (the fixture's 4 samples
 * tiled 64 times), best of a few timed runs after warm-up. Not a test: run it by hand, e.g.
 * {@code java -cp target/classes:target/test-classes:$(cat cp.txt) org.jacobi.jacobian.torch.TorchBenchmark}.
 */
public final class TorchBenchmark {
    private TorchBenchmark() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args.length > 0 ? args[0] : "src/test/resources/fixtures");
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        String[][] models = {{"mlp_tanh", "x"}, {"mlp_relu_softmax", "x"}, {"cnn_small", "x"}, {"decoder_sigmoid", "x"},
            {"two_inputs", "x1", "x2"}};
        String only = args.length > 3 ? args[3] : "";
        for (String[] m : models) {
            String name = m[0];
            if (!only.isEmpty() && !Arrays.asList(only.split(",")).contains(name)) {
                continue;
            }
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            for (int k = 1; k < m.length; k++) {
                String file = m.length == 2 ? name + ".input.npy" : name + ".input." + m[k] + ".npy";
                inputs.put(m[k], tile(Npy.read(dir.resolve(file)), batch));
            }
            try (Model model = ModelLoader.load(dir.resolve(name + ".pt"));
                 JacobianEngine engine = Jacobians.exactEngineFor(model)) {
                JacobianRequest request = JacobianRequest.of(inputs);
                for (int i = 0; i < 2; i++) {
                    engine.compute(request, ProgressMonitor.NONE);
                }
                double best = Double.MAX_VALUE;
                double bestCpu = Double.MAX_VALUE;
                int chunks = 0;
                for (int i = 0; i < repeats; i++) {
                    long cpu = processCpuNanos();
                    JacobianResult r = engine.compute(request, ProgressMonitor.NONE);
                    bestCpu = Math.min(bestCpu, (processCpuNanos() - cpu) / 1e9);
                    best = Math.min(best, r.seconds());
                    chunks = r.chunks();
                }
                System.out.printf(Locale.ROOT, "%-18s batch %d: best %.4f s, %,.0f samples/s; CPU time %.4f s (%d chunk%s)%n",
                    name, batch, best, batch / best, bestCpu, chunks, chunks == 1 ? "" : "s");
            }
        }
    }

    /** CPU time of the whole process (all of libtorch's threads), which other load on the machine does not inflate much. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }

    static Tensor tile(Tensor t, int batch) {
        List<Tensor> parts = new ArrayList<>();
        for (int rows = 0; rows < batch; rows += (int) t.dim(0)) {
            parts.add(t);
        }
        return Tensor.concatRows(parts).sliceRows(0, batch);
    }
}
