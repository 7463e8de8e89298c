package dev.airbag.bench.overhead;

import dev.airbag.bench.NodeProcess;
import java.util.List;

/** What a scenario changes before its measurement starts. */
interface Setup {
  void apply(Sims sims, List<NodeProcess> nodes) throws Exception;
}
