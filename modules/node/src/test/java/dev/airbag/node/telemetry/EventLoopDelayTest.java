package dev.airbag.node.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.airbag.node.GatewayFixture;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A loop held busy shows as a late timer of about as long as it was held. */
class EventLoopDelayTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    GatewayFixture.await(vertx.close());
  }

  @Test
  void aLoopHeldFor200msReportsADelayOfAboutThat() {
    Timer delays = Timer.builder("delay").register(new SimpleMeterRegistry());
    Context loop = vertx.getOrCreateContext();
    loop.runOnContext(v -> EventLoopDelay.watch(vertx, delays));
    await().atMost(Duration.ofSeconds(5)).until(() -> delays.count() >= 5);
    // Holding the loop on purpose: what a stuck handler or a stolen CPU does to every request on
    // it.
    loop.runOnContext(
        v -> {
          long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
        });
    await().atMost(Duration.ofSeconds(5)).until(() -> delays.max(TimeUnit.MILLISECONDS) >= 150);
    assertThat(delays.max(TimeUnit.MILLISECONDS)).isLessThan(1_000);
  }
}
