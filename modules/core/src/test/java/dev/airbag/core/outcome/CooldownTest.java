package dev.airbag.core.outcome;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airbag.core.time.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CooldownTest {

  private final FakeClock clock = new FakeClock();
  private final Cooldown cooldown = new Cooldown(2, Duration.ofSeconds(60), clock);

  @Test
  void failuresUpToAllowedFailsDoNotBenchButOneMoreDoes() {
    assertThat(cooldown.recordFailure()).isFalse();
    assertThat(cooldown.recordFailure()).isFalse();
    assertThat(cooldown.isBenched()).isFalse();

    assertThat(cooldown.recordFailure()).isTrue();
    assertThat(cooldown.isBenched()).isTrue();

    clock.advance(Duration.ofSeconds(59));
    assertThat(cooldown.isBenched()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    assertThat(cooldown.isBenched()).isFalse();
  }

  @Test
  void failuresOlderThanAMinuteNoLongerCount() {
    cooldown.recordFailure();
    cooldown.recordFailure();
    clock.advance(Duration.ofSeconds(61));

    assertThat(cooldown.recordFailure()).isFalse();
    assertThat(cooldown.isBenched()).isFalse();
  }

  @Test
  void retryAfterBenchesUntilThenAndNeverShortensABench() {
    cooldown.benchUntil(clock.nowMillis() + 5_000);
    assertThat(cooldown.isBenched()).isTrue();
    cooldown.benchUntil(clock.nowMillis() + 1_000);
    clock.advance(Duration.ofSeconds(2));
    assertThat(cooldown.isBenched()).isTrue();
    clock.advance(Duration.ofSeconds(3));
    assertThat(cooldown.isBenched()).isFalse();
  }
}
