package org.jacobi.ui.gsa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jacobi.core.Tensor;
import org.jacobi.gsa.DesignKind;
import org.jacobi.gsa.GsaMethod;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.jacobi.ui.SampleTabModel;
import org.jacobi.ui.task.SameThreadTaskExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Global tab's state without a window: editor rows, a run, the chosen index, save/open and export. */
class GlobalViewModelTest {
    private static final Path DEMO = Path.of("assets/models/demo.onnx");
    private static final Path DEMO_INPUT = Path.of("assets/samples/demo.input.npy");

    @Test
    void aStudyOfTheDemoModelRunsAndFillsTheCharts(@TempDir Path dir) throws Exception {
        try (Model model = ModelLoader.load(DEMO); ModelDerivatives derivatives = new ModelDerivatives(model)) {
            Map<String, Tensor> inputs = Map.of("launch", Npy.read(DEMO_INPUT));
            GlobalViewModel vm = new GlobalViewModel(new SampleTabModel.Sample(derivatives, inputs, 2, null, null),
                new SameThreadTaskExecutor());
            assertEquals(6, vm.rows().size());
            assertEquals("speed", vm.rows().get(0).label());
            assertEquals("uniform", vm.rows().get(0).kindProperty().get(), "a default every row can run with");
            vm.setAll("uniform:-2,2");
            vm.rows().get(4).setSpec("fixed");
            vm.samplesProperty().set(256);
            vm.morrisProperty().set(true);
            vm.run();
            assertFalse(vm.runningProperty().get());
            assertNotNull(vm.resultProperty().get(), vm.statusProperty().get());
            assertEquals(List.of("speed", "angle", "drag", "mass", "height"), vm.resultProperty().get().inputs(),
                "the fixed element is left out");
            assertEquals(12, vm.resultProperty().get().outputs().size());
            assertEquals(new GlobalViewModel.IndexChoice(GsaMethod.SOBOL, "ST"), vm.shownIndexProperty().get());
            assertEquals(12, vm.shownValues().length);
            assertNotNull(vm.shownConfidence());
            assertEquals(5, vm.shownConvergence().size(), "16, 32, 64, 128, 256");
            assertTrue(vm.indexChoices().contains(new GlobalViewModel.IndexChoice(GsaMethod.DGSM, "sobol_total_bound")));
            assertTrue(vm.statusProperty().get().contains("evaluations/s"), vm.statusProperty().get());

            Path study = dir.resolve("study.json");
            vm.saveStudy(study);
            GlobalViewModel other = new GlobalViewModel(new SampleTabModel.Sample(derivatives, inputs, 2, null, null),
                new SameThreadTaskExecutor());
            other.designProperty().set(DesignKind.MC);
            other.loadStudy(study);
            assertEquals("fixed", other.rows().get(4).kindProperty().get());
            assertEquals("uniform", other.rows().get(0).kindProperty().get());
            assertEquals("-2,2", other.rows().get(0).parametersProperty().get());
            assertEquals(DesignKind.SOBOL, other.designProperty().get());
            assertTrue(other.morrisProperty().get());
            other.close();

            vm.export(dir.resolve("i.csv"));
            assertTrue(Files.readString(dir.resolve("i.csv")).startsWith("method,index,output,input,value"));
            vm.close();
        }
    }

    @Test
    void badParametersShowAsStatusAndRunNothing() {
        try (Model model = ModelLoader.load(DEMO); ModelDerivatives derivatives = new ModelDerivatives(model)) {
            GlobalViewModel vm = new GlobalViewModel(new SampleTabModel.Sample(derivatives, Map.of("launch", Npy.read(DEMO_INPUT)),
                0, null, null), new SameThreadTaskExecutor());
            vm.rows().get(1).setSpec("normal:0,-1");
            vm.run();
            assertNull(vm.resultProperty().get());
            assertEquals("normal:0,-1 needs sigma > 0.", vm.statusProperty().get());
            vm.close();
        }
    }
}
