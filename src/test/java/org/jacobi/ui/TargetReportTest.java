package org.jacobi.ui;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jacobi.TestFiles;
import org.jacobi.ui.task.SameThreadTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File > Export Report with a target picked: a report of that target, as {@code jacobi report --target} makes it. */
class TargetReportTest {
    private static final Path DIR = Path.of("src/test/resources/models/intermediate");
    private final MainViewModel vm = new MainViewModel(new SameThreadTaskExecutor());

    @AfterEach
    void close() {
        vm.dispose();
    }

    @Test
    void aPickedTargetIsReportedAtItsLogitUnlessTheProbabilityIsAskedFor(@TempDir Path dir) throws Exception {
        vm.openFiles(List.of(DIR.resolve("seg_head.onnx"), DIR.resolve("seg_head.input.npy")));
        Path logit = dir.resolve("logit.html");
        vm.exports().exportReport(logit, "mask[0,3,4]", false);
        assertNull(vm.state().messageProperty().get().details(), () -> vm.state().messageProperty().get().text());
        String text = Files.readString(logit);
        assertTrue(text.contains("mask[0,3,4], differentiated as the logit before the final Sigmoid of 'mask'"), "the target and how");
        assertTrue(text.contains("mean over the 3 samples of |dt/dx_j|"), "ranked for the target, not averaged over the mask");

        Path probability = dir.resolve("probability.html");
        vm.exports().exportReport(probability, "mask[0,3,4]", true);
        text = Files.readString(probability);
        assertTrue(text.contains("mean over the 3 samples of |dt/dx_j|, where t is mask[0,3,4]"), "the same target");
        assertFalse(text.contains("logit before"), "the probability itself");

        Path whole = dir.resolve("whole.html");
        vm.exports().exportReport(whole, "", false);
        assertFalse(Files.readString(whole).contains("where t is"), "no target picked: the whole Jacobian, as before");
    }

    @Test
    void aTargetIsReportedWithoutTheFullJacobianOfALargeMask(@TempDir Path dir) throws Exception {
        vm.openFiles(List.of(TestFiles.resource("images/segmenter_dynamic.onnx"), TestFiles.resource("images/cat.png")));
        assertNotNull(vm.state().deferredProperty().get(), "the mask's Jacobian is too large to compute whole");
        Path html = dir.resolve("region.html");
        vm.exports().exportReport(html, "mask[0,10:20,30:40]", false);
        assertTrue(Files.readString(html).contains("the sum of mask[0,10:20,30:40], differentiated as the logit before the final "
            + "Sigmoid of 'mask'"), "a region of the mask, at its logit");
        vm.exports().exportReport(dir.resolve("whole.html"), null, false);
        assertTrue(vm.state().messageProperty().get().text().contains("Compute Jacobian first"), vm.state().messageProperty().get().text());
        assertFalse(Files.exists(dir.resolve("whole.html")));
    }
}
