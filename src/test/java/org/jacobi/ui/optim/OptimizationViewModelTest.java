package org.jacobi.ui.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javafx.collections.ListChangeListener;
import org.jacobi.core.Tensor;
import org.jacobi.io.Npy;
import org.jacobi.jacobian.ModelDerivatives;
import org.jacobi.model.Model;
import org.jacobi.model.ModelLoader;
import org.jacobi.optim.IterationRecord;
import org.jacobi.optim.OptimizationMethod;
import org.jacobi.optim.OptimizationResult;
import org.jacobi.optim.StopReason;
import org.jacobi.ui.SampleTabModel;
import org.jacobi.ui.task.SameThreadTaskExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Optimize panel's state without a window: executors run tasks at once, in order. */
class OptimizationViewModelTest {
    private static final Path DIR = Path.of("src/test/resources/fixtures");
    private Model model;
    private ModelDerivatives derivatives;
    private Tensor input;
    private final List<Tensor> usedAsSample = new ArrayList<>();
    private OptimizationViewModel vm;

    @BeforeEach
    void open() {
        model = ModelLoader.load(DIR.resolve("mlp_tanh.onnx"));
        input = Npy.read(DIR.resolve("mlp_tanh.input.npy"));
        derivatives = new ModelDerivatives(model);
        vm = OptimizationViewModel.forSample(new SampleTabModel.Sample(derivatives, Map.of("x", input), 0, null, null),
            usedAsSample::add, new SameThreadTaskExecutor());
    }

    @AfterEach
    void close() {
        vm.close();
        derivatives.close();
        model.close();
    }

    private String outputOfSample(int k) {
        Tensor y = model.run(Map.of("x", input.sliceRows(k, k + 1)), Set.of("y")).get("y");
        return OptimizationViewModel.format(y.toDoubleArray());
    }

    @Test
    void startsWithTheCurrentOutputAsTarget() {
        assertEquals(outputOfSample(0), vm.targetValuesProperty().get());
        assertArrayEquals(new long[] {8}, vm.sampleInputShape());
        assertTrue(vm.statusProperty().get().contains("finite differences") || vm.statusProperty().get().contains("exact"));
    }

    @Test
    void runsBothMethodsAndReportsEveryIteration() {
        vm.targetValuesProperty().set(outputOfSample(1));
        assertTrue(vm.run());
        assertFalse(vm.runningProperty().get());
        for (OptimizationMethod m : OptimizationMethod.values()) {
            OptimizationResult r = vm.resultProperty(m).get();
            assertNotNull(r, m.label());
            assertTrue(r.costReduction() >= 1e6, r.summary());
            List<IterationRecord> mine = vm.records().stream().filter(rec -> rec.method() == m).toList();
            assertEquals(r.records(), mine);
            assertEquals(0, mine.get(0).iteration());
            assertArrayEquals(r.x(), vm.latestProperty(m).get());
            assertTrue(vm.statusProperty().get().contains(r.summary()), vm.statusProperty().get());
        }
        assertTrue(vm.useResultAsSample(OptimizationMethod.LBFGS));
        Tensor used = usedAsSample.get(0);
        assertArrayEquals(new long[] {1, 8}, used.shape());
        assertArrayEquals(vm.resultProperty(OptimizationMethod.LBFGS).get().x(), used.toDoubleArray(), 1e-6);
    }

    @Test
    void aBadTargetIsReportedAndNothingRuns() {
        vm.targetValuesProperty().set("1, abc, 3, 4");
        assertFalse(vm.run());
        assertEquals("Target value 2 'abc' is not a number.", vm.statusProperty().get());
        vm.targetValuesProperty().set("1 2 3");
        assertFalse(vm.run());
        assertTrue(vm.statusProperty().get().contains("The target has 3 values but one sample of the output has 4"));
        vm.targetModeProperty().set(OptimizationViewModel.TargetMode.CLASS);
        vm.targetClassProperty().set(4);
        assertFalse(vm.run());
        assertTrue(vm.statusProperty().get().contains("Target class 4 does not exist"));
        vm.targetClassProperty().set(1);
        vm.fixedElementsProperty().set("3-9");
        assertFalse(vm.run());
        assertEquals("Fixed elements: '3-9' is outside 0-7.", vm.statusProperty().get());
        assertTrue(vm.records().isEmpty());
        assertFalse(vm.useResultAsSample(OptimizationMethod.GAUSS_NEWTON));
        assertTrue(usedAsSample.isEmpty());
    }

    @Test
    void classTargetWithBoundsAndOneMethod() {
        vm.targetModeProperty().set(OptimizationViewModel.TargetMode.CLASS);
        vm.targetClassProperty().set(2);
        vm.marginProperty().set(0.5);
        vm.settings().methods.set(OptimizationSettings.Methods.GAUSS_NEWTON);
        vm.settings().useBounds.set(true);
        vm.settings().lower.set(-6);
        vm.settings().upper.set(6);
        boolean[] fixed = new boolean[8];
        fixed[7] = true;
        vm.setFixed(fixed);
        vm.fixedElementsProperty().set("0-1, 4");
        assertTrue(vm.run());
        OptimizationResult r = vm.resultProperty(OptimizationMethod.GAUSS_NEWTON).get();
        assertNull(vm.resultProperty(OptimizationMethod.LBFGS).get());
        assertTrue(r.targetReached(), r.summary());
        double[] y = vm.outputAt(r.x());
        for (int i = 0; i < 4; i++) {
            assertTrue(i == 2 || y[2] - y[i] >= 0.5 - 1e-4);
        }
        double[] start = vm.start();
        for (int i = 0; i < 8; i++) {
            assertTrue(r.x()[i] >= -6 && r.x()[i] <= 6);
        }
        for (int i : new int[] {0, 1, 4, 7}) {
            assertEquals(start[i], r.x()[i]);
        }
        assertFalse(start[2] == r.x()[2]);
    }

    @Test
    void stopEndsTheRunWithTheBestPointSoFar() {
        vm.targetValuesProperty().set(outputOfSample(1));
        vm.records().addListener((ListChangeListener<IterationRecord>) c -> {
            if (vm.records().size() == 2) {
                vm.stop();
            }
        });
        assertTrue(vm.run());
        assertFalse(vm.runningProperty().get());
        for (OptimizationMethod m : OptimizationMethod.values()) {
            assertEquals(StopReason.CANCELLED, vm.resultProperty(m).get().stopReason());
        }
        assertTrue(vm.statusProperty().get().contains("cancelled"));
    }

    @Test
    void optimizesTheChosenInputOfATwoInputModel() {
        try (Model two = ModelLoader.load(DIR.resolve("two_inputs.onnx")); ModelDerivatives twoDerivatives = new ModelDerivatives(two)) {
            Map<String, Tensor> inputs = new LinkedHashMap<>();
            inputs.put("x1", Npy.read(DIR.resolve("two_inputs.input.x1.npy")));
            inputs.put("x2", Npy.read(DIR.resolve("two_inputs.input.x2.npy")));
            try (OptimizationViewModel v = OptimizationViewModel.forSample(new SampleTabModel.Sample(twoDerivatives, inputs, 1, "x2", "y"),
                usedAsSample::add, new SameThreadTaskExecutor())) {
                assertEquals("x2", v.function().wrt());
                assertArrayEquals(new long[] {3}, v.sampleInputShape());
                assertTrue(v.run());
                assertTrue(v.useResultAsSample(OptimizationMethod.GAUSS_NEWTON));
                assertArrayEquals(new long[] {1, 3}, usedAsSample.get(0).shape());
            }
        }
    }

    @Test
    void settingsBuildTheOptimizers() {
        vm.settings().history.set(7);
        vm.settings().c2.set(0.5);
        vm.settings().maxIterations.set(12);
        vm.settings().dampingFactor.set(0.1);
        assertEquals(7, vm.settings().lbfgs().historySize());
        assertEquals(0.5, vm.settings().lbfgs().c2());
        assertEquals(12, vm.settings().lbfgs().maxIterations());
        assertEquals(12, vm.settings().gaussNewton().maxIterations());
        assertEquals(0.1, vm.settings().gaussNewton().initialDampingFactor());
        vm.settings().c2.set(2);
        assertFalse(vm.run());
        assertTrue(vm.statusProperty().get().contains("Wolfe"), vm.statusProperty().get());
        var item = vm.settings().items().stream().filter(i -> i.getName().equals("History size")).findFirst().orElseThrow();
        item.setValue(9.0);
        assertEquals(9, vm.settings().history.get());
        assertEquals(9, item.getValue());
    }
}
