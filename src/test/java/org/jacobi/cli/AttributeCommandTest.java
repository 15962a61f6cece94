package org.jacobi.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jacobi.TestFiles;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code jacobi attribute}: files, JSON, PNGs and one-line errors. */
class AttributeCommandTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"onnx", "pt"})
    void igOnImagesWritesTheReferenceWithItsJsonAndOverlays(String ext) throws Exception {
        Path out = dir.resolve("A.npy");
        Path png = dir.resolve("png");
        CliRunner r = CliRunner.run("attribute", TestFiles.fixture("cnn_small." + ext).toString(), "--input",
            TestFiles.fixture("cnn_small.input.npy").toString(), "--method", "ig,saliency", "--steps", "8", "--baseline", "blur",
            "--blur-sigma", "2", "--of", "[top]", "--out", out.toString(), "--metrics", "deletion,insertion,infidelity", "--png",
            png.toString(), "--metric-samples", "3", "--curve-steps", "4");
        assertEquals(0, r.exitCode, r.toString());
        Tensor ig = Npy.read(dir.resolve("A.ig.npy"));
        assertArrayEquals(new long[] {4, 1, 28, 28}, ig.shape());
        Tensor ref = Npy.read(TestFiles.resource("attribution/cnn_small.ig_gl8_blur2_top.npy"));
        double worst = 0;
        double scale = 0;
        for (int i = 0; i < ref.size(); i++) {
            worst = Math.max(worst, Math.abs(ref.getDouble(i) - ig.getDouble(i)));
            scale = Math.max(scale, Math.abs(ref.getDouble(i)));
        }
        assertTrue(worst < 1e-5 * scale, "error " + worst);
        String json = Files.readString(dir.resolve("A.npy.json")).replaceAll("\\s+", "");
        for (String key : new String[] {"\"completeness_gap\"", "\"deletion\"", "\"insertion\"", "\"infidelity\"", "\"rule\":\"gausslegendre\"",
            "\"steps\":8", "blur(Gaussian,sigma2.0px)", "[top]"}) {
            assertTrue(json.contains(key), key + " missing in " + json);
        }
        assertTrue(Files.size(png.resolve("ig.s0.png")) > 100);
        assertTrue(Files.exists(png.resolve("saliency.s3.png")));
    }

    /**
     * On a model ending in Sigmoid the logit before it is attributed by default, as jacobian --of does: the saliency of
     * a region of the large U-Net's 64 x 64 twin equals PyTorch's float64 gradient of the region's logits; with
     * --probability it is the probability's, which the saturated Sigmoid shrinks.
     */
    @Test
    void theLogitBeforeAFinalSigmoidIsAttributedUnlessTheProbabilityIsAskedFor() throws Exception {
        Path model = Path.of("src/test/resources/large_unet/unet_small.onnx");
        String input = "src/test/resources/large_unet/unet_small.input.npy";
        double[] expected = Npy.read(Path.of("src/test/resources/large_unet/unet_small.region.npy")).toDoubleArray();
        CliRunner logit = CliRunner.run("attribute", model.toString(), "--input", input, "--method", "saliency", "--of",
            "d1[0,20:40,10:30]", "--out", dir.resolve("L.npy").toString());
        assertEquals(0, logit.exitCode, logit.toString());
        assertTrue(logit.out.contains("[the logit before the final Sigmoid of 'd1'"), logit.out);
        double[] actual = Npy.read(dir.resolve("L.npy")).toDoubleArray();
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * scale, "entry " + i);
        }
        assertTrue(Files.readString(dir.resolve("L.npy.json")).contains("the logit before the final Sigmoid"));

        CliRunner probability = CliRunner.run("attribute", model.toString(), "--input", input, "--method", "saliency", "--of",
            "d1[0,20:40,10:30]", "--probability", "--out", dir.resolve("P.npy").toString());
        assertEquals(0, probability.exitCode, probability.toString());
        assertFalse(probability.out.contains("logit"), probability.out);
        double[] p = Npy.read(dir.resolve("P.npy")).toDoubleArray();
        double difference = 0;
        for (int i = 0; i < p.length; i++) {
            difference = Math.max(difference, Math.abs(p[i] - actual[i]));
        }
        assertTrue(difference > 1e-3 * scale, "the probability's gradient is the logit's");

        CliRunner unclear = CliRunner.run("attribute", model.toString(), "--input", input, "--method", "saliency", "--of", "d1",
            "--out", dir.resolve("U.npy").toString());
        assertEquals(2, unclear.exitCode, unclear.toString());
        assertTrue(unclear.err.contains("Output 'd1' has 4096 elements") && unclear.err.contains("d1[top]"),
            "the message names the output pointed at, not the logit: " + unclear.err);
    }

    @Test
    void everyElementOfASmallOutputGivesATargetAxis() {
        Path out = dir.resolve("A.npy");
        CliRunner r = CliRunner.run("attribute", TestFiles.fixture("mlp_tanh.onnx").toString(), "--input",
            TestFiles.fixture("mlp_tanh.input.npy").toString(), "--method", "gradxinput", "--of", "y[each]", "--out", out.toString());
        assertEquals(0, r.exitCode, r.toString());
        assertArrayEquals(new long[] {4, 4, 8}, Npy.read(out).shape());
    }

    @Test
    void badRequestsAreOneLineAndWriteNothing() {
        Path out = dir.resolve("A.npy");
        String model = TestFiles.fixture("mlp_tanh.onnx").toString();
        String input = TestFiles.fixture("mlp_tanh.input.npy").toString();
        String[][] cases = {
            {"--method", "deeplift"},
            {"--of", "y[9]"},
            {"--of", "y"},
            {"--of", "nope[0]"},
            {"--method", "ig", "--rule", "simpson"},
            {"--method", "gradshap"},
            {"--png", dir.resolve("p").toString()},
            {"--method", "gradcam"},
        };
        for (String[] extra : cases) {
            String[] args = new String[6 + extra.length];
            System.arraycopy(new String[] {"attribute", model, "--input", input, "--out", out.toString()}, 0, args, 0, 6);
            System.arraycopy(extra, 0, args, 6, extra.length);
            CliRunner r = CliRunner.run(args);
            assertEquals(2, r.exitCode, String.join(" ", extra) + ": " + r);
            assertEquals(1, r.err.strip().lines().count(), r.err);
            assertFalse(r.err.contains("Exception"), r.err);
            assertFalse(Files.exists(out), String.join(" ", extra));
        }
    }

    @Test
    void gradCamAtALayerWritesTheLayerAndItsShapeAndTorchScriptIsRefused() throws Exception {
        Path out = dir.resolve("A.npy");
        CliRunner r = CliRunner.run("attribute", TestFiles.fixture("cnn_small.onnx").toString(), "--input",
            TestFiles.fixture("cnn_small.input.npy").toString(), "--method", "gradcam", "--layer", "/c2/Conv_output_0", "--relu",
            "--out", out.toString(), "--png", dir.resolve("png").toString());
        assertEquals(0, r.exitCode, r.toString());
        Tensor cam = Npy.read(out);
        Tensor ref = Npy.read(TestFiles.resource("attribution/cnn_small.gradcam_relu_lastconv_top.npy"));
        assertArrayEquals(new long[] {4, 1, 28, 28}, cam.shape());
        for (int i = 0; i < ref.size(); i++) {
            assertEquals(ref.getDouble(i), cam.getDouble(i), 1e-7, "element " + i);
        }
        String json = Files.readString(dir.resolve("A.npy.json")).replaceAll("\\s+", "");
        assertTrue(json.contains("\"layer\":\"/c2/Conv_output_0\",\"layer_shape\":[16,14,14],\"relu\":true"), json);
        assertTrue(Files.exists(dir.resolve("png").resolve("gradcam.s0.png")));

        Path pt = dir.resolve("B.npy");
        CliRunner torch = CliRunner.run("attribute", TestFiles.fixture("cnn_small.pt").toString(), "--input",
            TestFiles.fixture("cnn_small.input.npy").toString(), "--method", "layer-gradxact", "--out", pt.toString());
        assertEquals(2, torch.exitCode, torch.toString());
        assertEquals(1, torch.err.strip().lines().count(), torch.err);
        assertTrue(torch.err.contains("export the model to ONNX"), torch.err);
        assertFalse(Files.exists(pt));
    }

    @Test
    void reportHasAnAttributionSectionForTheTarget() throws Exception {
        Path out = dir.resolve("r.html");
        CliRunner r = CliRunner.run("report", TestFiles.fixture("cnn_small.onnx").toString(), "--input",
            TestFiles.fixture("cnn_small.input.npy").toString(), "--target", "y[top]", "--attribution", "saliency,occlusion,gradcam",
            "--attribution-metrics", "deletion", "--samples", "0", "--no-second-order", "--out", out.toString());
        assertEquals(0, r.exitCode, r.toString());
        String html = Files.readString(out);
        assertTrue(html.contains("id=\"attribution\""), "no attribution section");
        assertTrue(html.contains("Deletion curves") && html.contains("Sample 0: saliency, occlusion, gradcam"), "figures missing");
        assertTrue(html.contains("layer /c2/Conv_output_0, layer_shape [16, 14, 14]"), "gradcam's layer missing");
    }
}
