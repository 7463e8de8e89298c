package dev.airbag.bench.overhead;

import dev.airbag.bench.NodeProcess;
import dev.airbag.bench.OpenLoop;
import java.util.List;

/** What runs beside a scenario's node, and the paths that load it. */
record Twin(TwinKind kind, NodeProcess node, List<OpenLoop.Target> targets) {}
