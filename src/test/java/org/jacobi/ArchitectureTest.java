package org.jacobi;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dependencies point inward: the UI depends on the logic, never the reverse; logic imports no JavaFX. */
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
}
