package org.jacobi.ui.gsa;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jacobi.ui.MainViewModel;
import org.jacobi.ui.SampleTabModel;
import org.jacobi.ui.task.SameThreadTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File > Export Report includes the Global tab's study of the open model. */
class GlobalReportTest {
    private final MainViewModel vm = new MainViewModel(new SameThreadTaskExecutor());

    @AfterEach
    void close() {
        vm.dispose();
    }

    @Test
    void theExportedReportHasTheStudysSection(@TempDir Path dir) throws Exception {
        vm.openFiles(List.of(Path.of("assets/models/demo.onnx"), Path.of("assets/samples/demo.input.npy")));
        assertNotNull(vm.state().resultProperty().get(), "the demo's Jacobian");
        Path without = dir.resolve("without.html");
        vm.exports().exportReport(without);
        assertFalse(Files.readString(without).contains("Global sensitivity study"));

        GlobalViewModel global = new GlobalViewModel(new SampleTabModel.Sample(vm.state().derivatives(),
            vm.state().inputsProperty().get(), 0, null, null), vm.executor());
        global.resultProperty().addListener((o, a, r) -> vm.state().globalStudyProperty().set(r));
        global.setAll("uniform:-2,2");
        global.samplesProperty().set(128);
        global.run();
        assertNotNull(vm.state().globalStudyProperty().get(), global.statusProperty().get());
        Path with = dir.resolve("with.html");
        vm.exports().exportReport(with);
        String html = Files.readString(with);
        assertTrue(html.contains("Global sensitivity study") && html.contains("Convergence of ST"));
        global.close();
    }
}
