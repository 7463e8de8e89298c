package dev.airbag.core.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airbag.core.time.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RollingWindowTest {

  private final FakeClock clock = new FakeClock(0);
  private final RollingWindow window = new RollingWindow(Duration.ofSeconds(60), 12, clock);
  private static final WindowCounts FAILED_CALL = new WindowCounts(1, 1, 0, 0, 0);

  @Test
  void countsFallOutBucketByBucket() {
    window.add(FAILED_CALL);
    clock.advance(Duration.ofSeconds(30));
    window.add(FAILED_CALL);
    assertThat(window.total().calls()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(30));
    assertThat(window.total().calls()).as("the first bucket is a minute old").isEqualTo(1);
    clock.advance(Duration.ofSeconds(30));
    assertThat(window.total()).isEqualTo(WindowCounts.EMPTY);
  }

  @Test
  void lateDeltasLandInTheirOwnBucketAndTooOldOnesAreDropped() {
    clock.advance(Duration.ofSeconds(100));
    window.addAt(clock.nowMillis() - 20_000, FAILED_CALL);
    window.addAt(clock.nowMillis() - 61_000, FAILED_CALL);
    assertThat(window.total().failures()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(40));
    assertThat(window.total().failures())
        .as("it ages from when it happened, not when it arrived")
        .isZero();
  }
}
