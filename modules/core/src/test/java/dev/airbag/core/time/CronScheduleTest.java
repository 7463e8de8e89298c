package dev.airbag.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CronScheduleTest {

  private static long at(String instant) {
    return Instant.parse(instant).toEpochMilli();
  }

  private static String next(String cron, String after) {
    return Instant.ofEpochMilli(CronSchedule.parse(cron).nextAfter(at(after))).toString();
  }

  @Test
  void theFirstTuesdayOfTheMonthAtTenUtc() {
    // 2026-12-01 is a Tuesday; the next first Tuesday after it is 2027-01-05.
    assertThat(next("0 10 * * TUE#1", "2026-11-25T09:00:00Z")).isEqualTo("2026-12-01T10:00:00Z");
    assertThat(next("0 10 * * TUE#1", "2026-12-01T10:00:00Z")).isEqualTo("2027-01-05T10:00:00Z");
    assertThat(next("0 10 * * 2#1", "2026-12-01T09:59:30Z")).isEqualTo("2026-12-01T10:00:00Z");
  }

  @Test
  void stepsRangesListsAndNames() {
    assertThat(next("*/15 * * * *", "2026-11-25T09:07:12Z")).isEqualTo("2026-11-25T09:15:00Z");
    assertThat(next("0 9-17/4 * * MON-FRI", "2026-11-27T18:00:00Z"))
        .isEqualTo("2026-11-30T09:00:00Z"); // Fri evening -> Mon
    assertThat(next("30 2 1,15 JAN,JUL *", "2026-11-25T00:00:00Z"))
        .isEqualTo("2027-01-01T02:30:00Z");
    assertThat(next("0 0 * * 7", "2026-11-25T00:00:00Z"))
        .isEqualTo("2026-11-29T00:00:00Z"); // 7 is Sunday too
  }

  @Test
  void bothDayFieldsRestrictedMeansEither() {
    // The 13th or any Friday: Friday 2026-11-27 comes before December 13th.
    assertThat(next("0 0 13 * FRI", "2026-11-25T00:00:00Z")).isEqualTo("2026-11-27T00:00:00Z");
  }

  @Test
  void mistakesAreNamed() {
    assertThatThrownBy(() -> CronSchedule.parse("0 10 * *")).hasMessageContaining("five fields");
    assertThatThrownBy(() -> CronSchedule.parse("0 25 * * *"))
        .hasMessageContaining("hour 25 is outside 0-23");
    assertThatThrownBy(() -> CronSchedule.parse("0 10 * * TUE#6")).hasMessageContaining("#n");
    assertThatThrownBy(() -> CronSchedule.parse("0 10 30 FEB *"))
        .hasMessageContaining("never fires");
    assertThatThrownBy(() -> CronSchedule.parse("0 10 * * FUNDAY"))
        .hasMessageContaining("'FUNDAY' is not a day of week");
  }
}
