package org.jacobi.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jacobi.TestFiles;
import org.junit.jupiter.api.Test;

/** The benchmark's output format (speed itself is never asserted). */
class BenchCommandTest {
    @Test
    void jsonHasTheDocumentedKeys() {
        CliRunner r = CliRunner.run("bench", TestFiles.fixture("mlp_tanh.onnx").toString(), "--batch", "8",
            "--repeats", "1", "--warmup", "0", "--warmup-seconds", "0", "--json");
        assertEquals(0, r.exitCode, r.toString());
        for (String key : new String[] {"samples_per_second", "median_ms", "mode", "device", "achieved_gflops",
            "matmul_peak_gflops", "share_of_peak"}) {
            assertTrue(r.out.contains("\"" + key + "\":"), key + " missing in " + r.out);
        }
        assertTrue(r.out.contains("\"samples\":8"), r.out);
    }

    @Test
    void attributionIsTimedInTheProcess() {
        CliRunner r = CliRunner.run("bench", TestFiles.fixture("cnn_small.onnx").toString(), "--batch", "2", "--attribution", "ig",
            "--steps", "3", "--repeats", "1", "--warmup", "0", "--warmup-seconds", "0", "--json");
        assertEquals(0, r.exitCode, r.toString());
        for (String key : new String[] {"\"method\":\"ig\"", "\"steps\":3", "\"samples\":2", "\"median_ms\":"}) {
            assertTrue(r.out.contains(key), key + " missing in " + r.out);
        }
    }
}
