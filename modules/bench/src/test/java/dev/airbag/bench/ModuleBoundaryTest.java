package dev.airbag.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * What the one module that may use all others (the benchmarks) uses of the node: its entry points.
 * Here every module is on the classpath, so the rule sees the classes that could break it.
 */
class ModuleBoundaryTest {

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.airbag");

  @Test
  void otherModulesUseTheNodeOnlyThroughItsEntryPoints() {
    // AirbagNode and NodeOptions start a node, Cluster joins one, the command line runs them; the
    // bus vocabulary is what a client of a running cluster speaks.
    noClasses()
        .that()
        .resideInAPackage("dev.airbag.bench..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.airbag.node.api..",
            "dev.airbag.node.admin..",
            "dev.airbag.node.routing..",
            "dev.airbag.node.lane..",
            "dev.airbag.node.breaker..",
            "dev.airbag.node.judge..",
            "dev.airbag.node.drill..",
            "dev.airbag.node.dashboard..",
            "dev.airbag.node.telemetry..")
        .check(MAIN);
  }
}
