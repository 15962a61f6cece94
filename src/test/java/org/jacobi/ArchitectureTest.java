package org.jacobi;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import ai.onnxruntime.OrtSession;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point inward: the UI depends on the logic, never the reverse; logic imports no JavaFX; no two
 * packages depend on each other in a cycle.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.jacobi");
    }

    @Test
    void logicPackagesDoNotUseJavaFx() {
        noClasses().that().resideInAPackage("org.jacobi..")
            .and().resideOutsideOfPackage("org.jacobi.ui..")
            .and().doNotHaveFullyQualifiedName("org.jacobi.Launcher")
            .should().dependOnClassesThat().resideInAPackage("javafx..")
            .because("logic must run headless, from the command line and tests")
            .check(classes);
    }

    @Test
    void logicDoesNotDependOnTheUi() {
        noClasses().that().resideInAPackage("org.jacobi..")
            .and().resideOutsideOfPackage("org.jacobi.ui..")
            .and().doNotHaveFullyQualifiedName("org.jacobi.Launcher")
            .should().dependOnClassesThat().resideInAPackage("org.jacobi.ui..")
            .because("dependencies point from the UI to the logic")
            .check(classes);
    }

    @Test
    void logicDoesNotDependOnTheCommandLine() {
        noClasses().that().resideInAPackage("org.jacobi..")
            .and().resideOutsideOfPackage("org.jacobi.cli..")
            .and().resideOutsideOfPackage("org.jacobi.ui..")
            .and().doNotHaveFullyQualifiedName("org.jacobi.Launcher")
            .should().dependOnClassesThat().resideInAPackage("org.jacobi.cli..")
            .check(classes);
    }

    @Test
    void topLevelPackagesHaveNoCycles() {
        slices().matching("org.jacobi.(*)..").should().beFreeOfCycles()
            .because("a cycle between packages means neither can be understood, tested or changed alone")
            .check(classes);
    }

    @Test
    void derivativeEnginePackagesHaveNoCycles() {
        // onnx, torch, lowering...: the engines of one format never reach into another's, nor does the runtime
        // lowering reach back into the engines that use it
        slices().matching("org.jacobi.jacobian.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theGraphTransformRunsNothing() {
        noClasses().that().resideInAPackage("org.jacobi.autodiff..")
            .should().dependOnClassesThat().resideInAnyPackage("ai.onnxruntime..", "org.jacobi.jacobian..",
                "org.jacobi.model.onnx..")
            .because("autodiff is the graph-to-graph transform alone; running graphs (probing shapes, rewriting "
                + "for ONNX Runtime) is the runtime side's, in org.jacobi.jacobian.lowering")
            .check(classes);
    }

    @Test
    void onlyGraphRunRunsOnnxRuntimeSessions() {
        noClasses().that().doNotHaveFullyQualifiedName("org.jacobi.model.onnx.GraphRun")
            .should().callMethodWhere(target(name("run")).and(target(owner(assignableTo(OrtSession.class)))))
            .because("one run call means every run can be cancelled in flight and fails with the same message")
            .check(classes);
    }

    @Test
    void uiPanelsHaveNoCycles() {
        // each panel's package (ui.jacobian, ui.saliency, ...) may use ui's shared state, never the reverse of a use
        slices().matching("org.jacobi.ui.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void modelFormatsDoNotImportTheLoader() {
        noClasses().that().resideInAnyPackage("org.jacobi.model.onnx..", "org.jacobi.model.torch..")
            .should().dependOnClassesThat().haveFullyQualifiedName("org.jacobi.model.ModelLoader")
            .because("the loader picks a format; a format that knew the loader would close a cycle")
            .check(classes);
    }
}
