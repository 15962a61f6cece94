package org.jacobi.jacobian.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jacobi.core.ProgressMonitor;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.JacobianEngine;
import org.jacobi.jacobian.JacobianRequest;
import org.jacobi.jacobian.Jacobians;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.jacobi.model.torch.TorchScriptModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Native memory stays flat over many Jacobians: every chunk's arrays are freed with the chunk. */
class TorchMemoryTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures");
    static final int RUNS = Integer.getInteger("jacobi.leakTest.runs", 200);

    /** Resident set size after a full GC. */
    static long residentBytes() throws IOException {
        System.gc();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void manyJacobiansDoNotGrowNativeMemory() throws IOException {
        // 2048 samples x 4 outputs = 8192 stacked rows in 3 chunks: each chunk holds about 0.5 MB of native
        // arrays and its autograd graph (saved activations) about 1 MB more, so leaking what the chunks
        // allocate would add > 300 MB between the first and the last readings; the tolerance is 64 MB.
        Tensor x = TorchBenchmark.tile(Npy.read(FIXTURES.resolve("mlp_tanh.input.npy")), 2048);
        JacobianRequest request = JacobianRequest.of(Map.of("x", x)).withMaxMemory(2_500_000);
        try (Model model = ModelLoader.load(FIXTURES.resolve("mlp_tanh.pt"));
             JacobianEngine engine = Jacobians.exactEngineFor(model)) {
            for (int i = 0; i < 30; i++) {
                engine.compute(request, ProgressMonitor.NONE);
                model.run(Map.of("x", x));
            }
            // glibc keeps some freed native memory for a while, so single readings jump by up to ~100 MB and
            // fall back: compare the least of the first readings with the least of the last ones. A leak
            // raises every later reading.
            int arraysBefore = ((TorchScriptModel) model).openNativeArrays();
            List<Long> readings = new ArrayList<>();
            int chunks = 0;
            for (int i = 0; i < RUNS; i++) {
                chunks += engine.compute(request, ProgressMonitor.NONE).chunks();
                model.run(Map.of("x", x));
                if (i % 10 == 0) {
                    readings.add(residentBytes());
                }
            }
            int window = Math.max(1, readings.size() / 4);
            long first = readings.subList(0, window).stream().min(Long::compare).orElseThrow();
            long last = readings.subList(readings.size() - window, readings.size()).stream().min(Long::compare).orElseThrow();
            long growth = last - first;
            System.out.printf("RSS over %d Jacobians (%d chunks): %d MB at the start, %d MB at the end (readings %s MB)%n",
                RUNS, chunks, first >> 20, last >> 20, readings.stream().map(b -> b >> 20).toList());
            assertEquals(3 * RUNS, chunks);
            assertEquals(arraysBefore, ((TorchScriptModel) model).openNativeArrays(), "native arrays left open");
            assertTrue(growth < 64L << 20, "native memory grew by " + (growth >> 20) + " MB over " + RUNS + " Jacobians");
        }
    }
}
