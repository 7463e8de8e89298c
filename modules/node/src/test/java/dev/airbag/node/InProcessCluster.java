package dev.airbag.node;

import com.hazelcast.config.Config;
import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.time.Clock;
import dev.airbag.node.cluster.Cluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Whole nodes as members of a real Hazelcast cluster in this JVM, under a cluster name of their
 * own, sharing one clock the test moves.
 */
final class InProcessCluster implements AutoCloseable {

  private final String name = "airbag-test-" + UUID.randomUUID();
  private final GatewayConfig config;
  private final Clock clock;
  final List<Vertx> members = new ArrayList<>();
  final List<AirbagNode> nodes = new ArrayList<>();

  InProcessCluster(GatewayConfig config, Clock clock, int size) throws Exception {
    this.config = config;
    this.clock = clock;
    for (int i = 0; i < size; i++) {
      join();
    }
  }

  /** Starts one more member; it joins the running cluster as a node started later would. */
  AirbagNode join() throws Exception {
    Config hazelcast = Cluster.config(null).setClusterName(name);
    Vertx vertx = GatewayFixture.await(Cluster.join(hazelcast, "127.0.0.1"));
    members.add(vertx);
    AirbagNode node =
        GatewayFixture.await(AirbagNode.start(vertx, config, NodeOptions.loopback(clock)));
    nodes.add(node);
    return node;
  }

  @Override
  public void close() throws Exception {
    // All at once: closing one by one leaves the rest retrying connections to the closed ones.
    GatewayFixture.await(Future.all(members.stream().map(Vertx::close).toList()));
  }
}
