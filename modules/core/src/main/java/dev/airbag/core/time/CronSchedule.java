package dev.airbag.core.time;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * A five-field cron schedule in UTC ({@code minute hour day-of-month month day-of-week}), as
 * crontab writes it: {@code *}, values, ranges, lists and steps ({@code 0,30}, {@code 1-5}, {@code
 * *}{@code /15}), month and day names ({@code JAN}, {@code TUE}; Sunday is 0 or 7), and Quartz's
 * {@code TUE#1} for the first Tuesday of the month. As in crontab, when both day fields are
 * restricted a day matching either one counts. Small on purpose: the core module takes no runtime
 * dependency for it.
 */
public final class CronSchedule {

  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  /** Looking further ahead than this means the schedule never fires (Feb 30, say). */
  private static final int MAX_DAYS_AHEAD = 5 * 366;

  private final String text;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;

  /** Days of the week, 0 = Sunday; and the {@code #n} ones, as day * 8 + n. */
  private final BitSet daysOfWeek;

  private final BitSet nthDaysOfWeek;
  private final boolean domRestricted;
  private final boolean dowRestricted;

  private CronSchedule(String text) {
    this.text = text;
    String[] f = text.trim().toUpperCase(Locale.ROOT).split("\\s+");
    if (f.length != 5) {
      throw new IllegalArgumentException(
          "expected five fields (minute hour day-of-month month day-of-week), got " + f.length);
    }
    minutes = field(f[0], 0, 59, List.of(), "minute");
    hours = field(f[1], 0, 23, List.of(), "hour");
    daysOfMonth = field(f[2], 1, 31, List.of(), "day of month");
    months = field(f[3], 1, 12, MONTHS, "month");
    nthDaysOfWeek = new BitSet();
    daysOfWeek = new BitSet();
    for (String part : f[4].split(",")) {
      int hash = part.indexOf('#');
      if (hash < 0) {
        daysOfWeek.or(field(part, 0, 7, DAYS, "day of week"));
        continue;
      }
      int day = value(part.substring(0, hash), 0, 7, DAYS, "day of week") % 7;
      int nth = value(part.substring(hash + 1), 1, 5, List.of(), "day of week's #n");
      nthDaysOfWeek.set(day * 8 + nth);
    }
    if (daysOfWeek.get(7)) {
      daysOfWeek.set(0);
    }
    domRestricted = !f[2].equals("*") && !f[2].equals("?");
    dowRestricted = !f[4].equals("*") && !f[4].equals("?");
  }

  /** Parses {@code text}; throws {@link IllegalArgumentException} saying what is wrong. */
  public static CronSchedule parse(String text) {
    CronSchedule s = new CronSchedule(text);
    s.nextAfter(0); // a schedule that can never fire is a mistake to report now, not a silent no-op
    return s;
  }

  /**
   * The first minute strictly after {@code epochMillis} that the schedule names, in epoch millis.
   */
  public long nextAfter(long epochMillis) {
    LocalDateTime t =
        LocalDateTime.ofEpochSecond(
            Math.floorDiv(epochMillis, 60_000L) * 60 + 60, 0, ZoneOffset.UTC);
    LocalDate day = t.toLocalDate();
    for (int i = 0; i <= MAX_DAYS_AHEAD; i++, day = day.plusDays(1)) {
      if (!months.get(day.getMonthValue()) || !dayMatches(day)) {
        continue;
      }
      int fromMinute = i == 0 ? t.getHour() * 60 + t.getMinute() : 0;
      for (int m = fromMinute; m < 24 * 60; m++) {
        if (hours.get(m / 60) && minutes.get(m % 60)) {
          return day.atTime(m / 60, m % 60).toEpochSecond(ZoneOffset.UTC) * 1000;
        }
      }
    }
    throw new IllegalArgumentException("'" + text + "' never fires");
  }

  private boolean dayMatches(LocalDate day) {
    int dow = day.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : day.getDayOfWeek().getValue();
    boolean byWeek =
        daysOfWeek.get(dow) || nthDaysOfWeek.get(dow * 8 + (day.getDayOfMonth() - 1) / 7 + 1);
    boolean byMonth = daysOfMonth.get(day.getDayOfMonth());
    if (domRestricted && dowRestricted) {
      return byMonth || byWeek;
    }
    return (!domRestricted || byMonth) && (!dowRestricted || byWeek);
  }

  private static BitSet field(String spec, int min, int max, List<String> names, String what) {
    BitSet set = new BitSet();
    for (String part : spec.split(",")) {
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        step = value(part.substring(slash + 1), 1, max, List.of(), what + " step");
        part = part.substring(0, slash);
      }
      int from;
      int to;
      if (part.equals("*") || part.equals("?")) {
        from = min;
        to = max;
      } else if (part.contains("-")) {
        from = value(part.substring(0, part.indexOf('-')), min, max, names, what);
        to = value(part.substring(part.indexOf('-') + 1), min, max, names, what);
        if (to < from) {
          throw new IllegalArgumentException(what + " range '" + part + "' runs backwards");
        }
      } else {
        from = value(part, min, max, names, what);
        to = slash >= 0 ? max : from;
      }
      for (int v = from; v <= to; v += step) {
        set.set(v);
      }
    }
    return set;
  }

  private static int value(String text, int min, int max, List<String> names, String what) {
    int named = names.indexOf(text);
    if (named >= 0) {
      return names == MONTHS ? named + 1 : named;
    }
    try {
      int v = Integer.parseInt(text);
      if (v < min || v > max) {
        throw new IllegalArgumentException(what + " " + v + " is outside " + min + "-" + max);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a " + what);
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
