package dev.airbag.bench.overhead;

import dev.airbag.simulator.Simulator;

/** The simulators every scenario shares; they live in this JVM with the load generator. */
record Sims(Simulator primary, Simulator secondary, Simulator judge) {
  long connectionsAccepted() {
    return primary.connectionsAccepted()
        + secondary.connectionsAccepted()
        + judge.connectionsAccepted();
  }

  long connectionsClosed() {
    return primary.connectionsClosed() + secondary.connectionsClosed() + judge.connectionsClosed();
  }
}
