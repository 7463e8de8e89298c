package dev.airbag.providers.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airbag.core.time.SystemClock;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Non-streamed calls' timeouts: each call that has not ended times out at its deadline, in order,
 * and no other.
 */
class TimeoutQueueTest {

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final TimeoutQueue deadlines = new TimeoutQueue(vertx, SystemClock.INSTANCE);

  /** The calls that timed out, in the order they did. */
  private final List<String> expired = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private final class FakeCall implements TimeoutQueue.Timed {
    final String name;
    final long dueNanos;
    final CompletableFuture<Long> expiredAt = new CompletableFuture<>();
    Runnable onExpiry = () -> {};
    boolean ended;

    FakeCall(String name, long timeoutMillis) {
      this.name = name;
      this.dueNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    @Override
    public long dueNanos() {
      return dueNanos;
    }

    @Override
    public boolean ended() {
      return ended;
    }

    @Override
    public void expire() {
      expired.add(name);
      expiredAt.complete(System.nanoTime());
      onExpiry.run();
    }

    void end() {
      ended = true;
      deadlines.ended();
    }
  }

  private <T> T onContext(Supplier<T> action) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> result.complete(action.get()));
    return result.get(10, TimeUnit.SECONDS);
  }

  @Test
  void callsTimeOutAtTheirDeadlinesInOrderAndAnEndedCallNever() throws Exception {
    FakeCall first = new FakeCall("first", 40);
    FakeCall ended = new FakeCall("ended", 60);
    FakeCall last = new FakeCall("last", 80);
    assertThat(onContext(() -> deadlines.add(first) && deadlines.add(ended) && deadlines.add(last)))
        .isTrue();
    onContext(
        () -> {
          ended.end();
          return null;
        });

    long lastExpired = last.expiredAt.get(10, TimeUnit.SECONDS);

    assertThat(expired).containsExactly("first", "last");
    assertThat(first.expiredAt.get())
        .as("not before its deadline")
        .isGreaterThanOrEqualTo(first.dueNanos);
    assertThat(lastExpired).as("not before its deadline").isGreaterThanOrEqualTo(last.dueNanos);
  }

  /**
   * A call due before the last one queued (a shorter timeout) is not taken: its caller times it
   * itself.
   */
  @Test
  void aCallDueBeforeTheLastQueuedIsRefused() throws Exception {
    assertThat(onContext(() -> deadlines.add(new FakeCall("long", 60_000)))).isTrue();
    assertThat(onContext(() -> deadlines.add(new FakeCall("short", 1_000)))).isFalse();
    assertThat(onContext(deadlines::queued)).isEqualTo(1);
  }

  /** A call started by a timeout (a retry) is queued and times out in its turn. */
  @Test
  void aCallAddedWhileTimingOutTimesOutToo() throws Exception {
    FakeCall first = new FakeCall("first", 20);
    FakeCall retry = new FakeCall("retry", 60);
    first.onExpiry = () -> assertThat(deadlines.add(retry)).isTrue();
    onContext(() -> deadlines.add(first));

    retry.expiredAt.get(10, TimeUnit.SECONDS);

    assertThat(expired).containsExactly("first", "retry");
    assertThat(onContext(deadlines::queued)).isZero();
  }

  /**
   * A hung call at the head does not make every call that ended behind it wait out its timeout in
   * memory.
   */
  @Test
  void endedCallsBehindAHungOneAreSweptOut() throws Exception {
    FakeCall hung = new FakeCall("hung", 60_000);
    int queuedAfterAll =
        onContext(
            () -> {
              deadlines.add(hung);
              for (int i = 0; i < 10_000; i++) {
                FakeCall call = new FakeCall("call " + i, 60_000);
                deadlines.add(call);
                call.end();
              }
              return deadlines.queued();
            });

    assertThat(queuedAfterAll).isLessThanOrEqualTo(1 + 2 * 65);
    assertThat(expired).isEmpty();
  }
}
