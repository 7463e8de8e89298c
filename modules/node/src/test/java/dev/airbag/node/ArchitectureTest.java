package dev.airbag.node;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.airbag.core.time.SystemClock;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of DESIGN.md section 1, held by the build: the code's shape cannot drift
 * unseen.
 */
class ArchitectureTest {

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.airbag");

  @Test
  void coreIsPlainJavaWithoutVertxOrAnyOfOurOtherModules() {
    noClasses()
        .that()
        .resideInAPackage("dev.airbag.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.vertx..",
            "io.netty..",
            "com.hazelcast..",
            "io.micrometer..",
            "io.opentelemetry..",
            "dev.airbag.providers..",
            "dev.airbag.node..",
            "dev.airbag.simulator..",
            "dev.airbag.bench..")
        .check(MAIN);
  }

  @Test
  void dependenciesPointOneWayCoreProvidersNode() {
    noClasses()
        .that()
        .resideInAPackage("dev.airbag.providers..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.airbag.node..", "dev.airbag.simulator..", "dev.airbag.bench..")
        .check(MAIN);
    noClasses()
        .that()
        .resideInAPackage("dev.airbag.simulator..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.airbag.core..",
            "dev.airbag.providers..",
            "dev.airbag.node..",
            "dev.airbag.bench..")
        .check(MAIN);
    noClasses()
        .that()
        .resideInAPackage("dev.airbag.node..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.airbag.bench..")
        .check(MAIN);
  }

  /** The node's packages below the router, which uses them. */
  private static final String[] BELOW_ROUTING = {
    "dev.airbag.node.lane..",
    "dev.airbag.node.breaker..",
    "dev.airbag.node.judge..",
    "dev.airbag.node.drill..",
    "dev.airbag.node.dashboard..",
    "dev.airbag.node.telemetry..",
    "dev.airbag.node.cluster..",
    "dev.airbag.node.bus.."
  };

  @Test
  void insideTheNodeNothingBelowReachesUpToTheDoorsAdminOrCommandLine() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.airbag.node.routing..")
        .or()
        .resideInAnyPackage(BELOW_ROUTING)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.airbag.node",
            "dev.airbag.node.api..",
            "dev.airbag.node.admin..",
            "dev.airbag.node.cli..")
        .check(MAIN);
    noClasses()
        .that()
        .resideInAnyPackage(BELOW_ROUTING)
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.airbag.node.routing..")
        .check(MAIN);
  }

  @Test
  void noPackageCyclesInsideAModule() {
    slices().matching("dev.airbag.providers.(*)..").should().beFreeOfCycles().check(MAIN);
    slices().matching("dev.airbag.node.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void onlySystemClockReadsTheSystemClock() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.airbag.core..", "dev.airbag.providers..", "dev.airbag.node..")
        .and()
        .doNotHaveFullyQualifiedName(SystemClock.class.getName())
        .should()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(java.time.Instant.class, "now")
        .orShould()
        .callMethod(java.time.LocalDateTime.class, "now")
        .check(MAIN);
  }
}
