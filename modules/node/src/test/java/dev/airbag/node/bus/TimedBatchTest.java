package dev.airbag.node.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.airbag.node.GatewayFixture;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a lane samples for the judge, and the judge's scores, go on together: one message, not one
 * each.
 */
class TimedBatchTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    GatewayFixture.await(vertx.close());
  }

  @Test
  void whatIsAddedWithinTheWindowGoesOnInOneHandingOnAndNothingIsLost() {
    List<List<String>> handedOn = new CopyOnWriteArrayList<>();
    Context loop = vertx.getOrCreateContext();
    TimedBatch<String>[] gathering = new TimedBatch[1];
    loop.runOnContext(
        v -> {
          gathering[0] = new TimedBatch<>(vertx, 50, handedOn::add);
          gathering[0].add("a");
          gathering[0].add("b");
          gathering[0].add("c");
        });
    await().atMost(Duration.ofSeconds(5)).until(() -> handedOn.size() == 1);
    loop.runOnContext(v -> gathering[0].add("d"));
    await().atMost(Duration.ofSeconds(5)).until(() -> handedOn.size() == 2);

    assertThat(handedOn).containsExactly(List.of("a", "b", "c"), List.of("d"));
  }
}
