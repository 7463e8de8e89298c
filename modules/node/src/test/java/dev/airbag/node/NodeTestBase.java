package dev.airbag.node;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** Simulators for the whole class, a node per test (started by the test), torn down after each. */
abstract class NodeTestBase {

  static GatewayFixture gw;

  @BeforeAll
  static void simulators() throws Exception {
    gw = new GatewayFixture();
  }

  @AfterAll
  static void closeSimulators() throws Exception {
    gw.close();
  }

  @AfterEach
  void stopNode() throws Exception {
    gw.stopNode();
  }
}
