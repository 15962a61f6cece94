package org.jacobi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jacobi jacobian --of 'NAME[...]'} and {@code --cotangent} (issue 24 item 4): one reverse pass per sample, at the
 * logit before a final Sigmoid by default, against PyTorch float64 (scripts/make_intermediate_models.py).
 */
class JacobianTargetCommandTest {
    static final Path DIR = Path.of("src/test/resources/models/intermediate");

    @TempDir
    Path dir;

    /** Per sample, the reference Jacobian's rows [2:5, :] of the [1, 8, 8] logit summed: [batch, 1, 8, 8]. */
    private static double[] regionGradient(Tensor j) {
        int samples = (int) j.dim(0);
        double[] g = new double[samples * 64];
        for (int s = 0; s < samples; s++) {
            for (int row = 2; row < 5; row++) {
                for (int col = 0; col < 8; col++) {
                    int o = row * 8 + col;
                    for (int i = 0; i < 64; i++) {
                        g[s * 64 + i] += j.getDouble((s * 64 + o) * 64 + i);
                    }
                }
            }
        }
        return g;
    }

    @Test
    void aRegionOfASaturatedSigmoidIsDifferentiatedAtItsLogit() throws Exception {
        Path out = dir.resolve("g.npy");
        CliRunner r = CliRunner.run("jacobian", DIR.resolve("seg_head.onnx").toString(), "-i", DIR.resolve("seg_head.input.npy").toString(),
            "--of", "mask[0,2:5,:]", "-o", out.toString());
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains("the logit before the final Sigmoid of 'mask'"), r.out);
        Tensor g = Npy.read(out);
        assertArrayEquals(new long[] {3, 1, 8, 8}, g.shape());
        double[] expected = regionGradient(Npy.read(DIR.resolve("seg_head.jacobian.npy")));
        double largest = Arrays.stream(expected).map(Math::abs).max().orElseThrow();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], g.getDouble(i), 1e-5 * largest, "entry " + i);
        }
        String json = Files.readString(Path.of(out + ".json"));
        assertTrue(json.contains("\"of\": \"" + Files.readString(DIR.resolve("seg_head.values.txt")).strip() + "\"")
            && json.contains("\"exact\": true"), json);

        // --probability differentiates the mask itself; a cotangent of the region's weights gives the same as the slice
        Path weights = dir.resolve("w.npy");
        float[] w = new float[64];
        for (int i = 16; i < 40; i++) {
            w[i] = 1;
        }
        Npy.write(weights, Tensor.ofFloats(w, 1, 8, 8), false);
        Path viaWeights = dir.resolve("gw.npy");
        assertEquals(0, CliRunner.run("jacobian", DIR.resolve("seg_head.onnx").toString(), "-i", DIR.resolve("seg_head.input.npy").toString(),
            "--cotangent", weights.toString(), "-o", viaWeights.toString()).exitCode);
        assertArrayEquals(g.floats(), Npy.read(viaWeights).floats(), 0f);
        Path prob = dir.resolve("p.npy");
        CliRunner p = CliRunner.run("jacobian", DIR.resolve("seg_head.onnx").toString(), "-i", DIR.resolve("seg_head.input.npy").toString(),
            "--of", "mask[0,2:5,:]", "--probability", "-o", prob.toString());
        assertEquals(0, p.exitCode, p.toString());
        assertTrue(Files.readString(Path.of(prob + ".json")).contains("\"of\": \"mask\""));
    }

    @Test
    void aTokenIdModelIsDifferentiatedAtItsEmbeddingOutput() throws Exception {
        String embedding = Files.readString(DIR.resolve("token_transformer.values.txt")).strip();
        Path out = dir.resolve("j.npy");
        CliRunner r = CliRunner.run("jacobian", DIR.resolve("token_transformer.onnx").toString(), "-i",
            DIR.resolve("token_transformer.ids.npy").toString(), "--wrt", embedding, "-o", out.toString());
        assertEquals(0, r.exitCode, r.toString());
        Tensor expected = Npy.read(DIR.resolve("token_transformer.jacobian.npy"));
        Tensor j = Npy.read(out);
        assertArrayEquals(expected.shape(), j.shape());
        double largest = Arrays.stream(expected.toDoubleArray()).map(Math::abs).max().orElseThrow();
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.getDouble(i), j.getDouble(i), 1e-5 * largest, "entry " + i);
        }
    }

    @Test
    void infoListsTheValuesInsideTheGraphWithShapes() throws Exception {
        String embedding = Files.readString(DIR.resolve("token_transformer.values.txt")).strip();
        CliRunner r = CliRunner.run("info", DIR.resolve("token_transformer.onnx").toString(), "--values", "-i",
            DIR.resolve("token_transformer.ids.npy").toString());
        assertEquals(0, r.exitCode, r.toString());
        assertTrue(r.out.contains(embedding + "  float32 [3, 6, 8]"), r.out);
    }
}
