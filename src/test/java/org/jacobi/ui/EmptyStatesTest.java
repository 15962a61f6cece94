package org.jacobi.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.jacobi.TestFiles;
import org.jacobi.ui.task.SameThreadTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the app says while something is missing, and notes that are information, not warnings. */
class EmptyStatesTest {
    private final MainViewModel vm = new MainViewModel(new SameThreadTaskExecutor());

    @AfterEach
    void close() {
        vm.dispose();
    }

    @Test
    void exportingWithoutAJacobianSaysWhatIsMissing(@TempDir Path dir) {
        vm.exports().exportReport(dir.resolve("r.html"));
        assertTrue(vm.state().messageProperty().get().text().contains("open a model"), vm.state().messageProperty().get().text());
        vm.openFiles(List.of(TestFiles.resource("images/segmenter_dynamic.onnx"))); // a dynamic size: no samples generated
        vm.exports().exportReport(dir.resolve("r.html"));
        assertTrue(vm.state().messageProperty().get().text().contains("give the model an input"), vm.state().messageProperty().get().text());
        assertFalse(Files.exists(dir.resolve("r.html")));
    }

    @Test
    void runningOnTheCpuIsANoteNotAWarning() {
        assertTrue(MainViewModel.isDeviceNote("No GPU support in this build; running on the CPU."));
        assertFalse(MainViewModel.isDeviceNote("Finite differences: derivatives are approximate."));
        vm.openFiles(List.of(MainViewModelTest.FIXTURES.resolve("mlp_tanh.onnx"), MainViewModelTest.FIXTURES.resolve("mlp_tanh.input.npy")));
        assertTrue(vm.state().resultProperty().get() != null);
        assertFalse(vm.warningsTextProperty().get().contains("running on the CPU"), vm.warningsTextProperty().get());
        if (vm.state().resultProperty().get().warnings().stream().anyMatch(MainViewModel::isDeviceNote)) {
            assertTrue(vm.deviceNoteProperty().get().endsWith("running on the CPU."), vm.deviceNoteProperty().get());
        }
    }

    @Test
    void demoFilesAreWrittenAsTheUsersOtherFiles(@TempDir Path dir) throws Exception {
        Path model = DemoAssets.demoModel();
        Path plain = Files.createFile(dir.resolve("plain"));
        if (!Files.getFileStore(plain).supportsFileAttributeView("posix")) {
            return; // permissions are POSIX's
        }
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
        Files.delete(model); // unpacked anew, not an earlier run's file
        assertEquals(expected, Files.getPosixFilePermissions(DemoAssets.demoModel()), "the user's umask, not createTempFile's 0600");
    }
}
