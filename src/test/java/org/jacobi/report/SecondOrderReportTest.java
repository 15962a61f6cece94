package org.jacobi.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jacobi.TestFiles;
import org.jacobi.cli.CliRunner;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The report's Interactions and Parameters sections. */
class SecondOrderReportTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"mlp_tanh.onnx", "mlp_tanh.pt"})
    void reportHasInteractionsAndParameters(String model) throws Exception {
        Path html = dir.resolve("r.html");
        CliRunner r = CliRunner.run("report", TestFiles.fixture(model).toString(), "--input",
            TestFiles.fixture("mlp_tanh.input.npy").toString(), "--out", html.toString(), "--quiet");
        assertEquals(0, r.exitCode, r.toString());
        String text = Files.readString(html);
        assertTrue(text.contains("Interactions (Hessian)"), "no Interactions section");
        assertTrue(text.contains("Eigenvalues of the Hessian of sample 0"), "no eigenvalues");
        assertTrue(text.contains("Parameters (weight sensitivity)") && text.contains("l2.weight"), "no Parameters section");
        if (System.getProperty("jacobi.keepReport") != null) {
            Files.copy(html, Path.of(System.getProperty("jacobi.keepReport")), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void imageInputsShowEigenvectorsAsImagesAndLargeModelsSayWhatIsLeftOut() throws Exception {
        Path html = dir.resolve("cnn.html");
        CliRunner r = CliRunner.run("report", TestFiles.fixture("cnn_small.onnx").toString(), "--input",
            TestFiles.fixture("cnn_small.input.npy").toString(), "--samples", "0", "--out", html.toString(), "--quiet");
        assertEquals(0, r.exitCode, r.toString());
        String text = Files.readString(html);
        assertTrue(text.contains("Eigenvector 1 of the Hessian of sample 0 as an image"), "no eigenvector image");
        assertTrue(text.contains("Parameter sensitivity is left out") || text.contains("Parameters (weight sensitivity)"));
    }

    @Test
    void noSecondOrderLeavesBothOut() throws Exception {
        Path html = dir.resolve("plain.html");
        CliRunner r = CliRunner.run("report", TestFiles.fixture("mlp_tanh.onnx").toString(), "--input",
            TestFiles.fixture("mlp_tanh.input.npy").toString(), "--out", html.toString(), "--quiet", "--no-second-order");
        assertEquals(0, r.exitCode, r.toString());
        assertFalse(Files.readString(html).contains("Interactions (Hessian)"));
    }
}
