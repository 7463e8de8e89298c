package dev.airbag.providers.http;

import dev.airbag.core.time.Clock;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;

/**
 * The per-call timeouts of one client's non-streamed calls, kept in the order the calls started
 * under one Vert.x timer armed for the earliest of them. A client's calls share one timeout, so
 * their deadlines come in the order they start: adding a call and ending one are a step at either
 * end of a queue, where a timer per call would cost a set and a cancel each on the healthy path. A
 * call that would fall due before the last one queued (a shorter timeout than the calls before it)
 * is not taken: {@link #add} says so and the caller arms a timer of its own. The timer is not
 * cancelled when the queue empties: it fires once at the deadline it was set for, finds nothing
 * due, and is set again only while calls are queued; it holds no call. Touched only on the client's
 * context.
 */
final class TimeoutQueue {

  /**
   * A call under a deadline: when it falls due (the queue's clock), whether it ended, what its
   * timeout does.
   */
  interface Timed {
    long dueNanos();

    boolean ended();

    void expire();
  }

  /**
   * Ended calls a queue may hold past its live ones before it sweeps them out (a hung call at its
   * head keeps them).
   */
  private static final int SWEEP_ABOVE = 64;

  private final Vertx vertx;
  private final Clock clock;
  private final ArrayDeque<Timed> queue = new ArrayDeque<>();
  private int endedInQueue;
  private boolean armed;

  TimeoutQueue(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
  }

  /**
   * Queues {@code call}; false, queuing nothing, when it would fall due before the last call
   * queued.
   */
  boolean add(Timed call) {
    Timed last = queue.peekLast();
    if (last != null && call.dueNanos() - last.dueNanos() < 0) {
      return false;
    }
    queue.addLast(call);
    if (!armed) {
      arm(call.dueNanos());
    }
    return true;
  }

  /**
   * A call queued here ended before its deadline: dropped at once from the head, else with the next
   * sweep.
   */
  void ended() {
    endedInQueue++;
    while (!queue.isEmpty() && queue.peekFirst().ended()) {
      queue.pollFirst();
      endedInQueue--;
    }
    if (endedInQueue > SWEEP_ABOVE && endedInQueue * 2 > queue.size()) {
      queue.removeIf(Timed::ended);
      endedInQueue = 0;
    }
  }

  /** Calls queued, ended or not: what the timer still walks past. */
  int queued() {
    return queue.size();
  }

  private void arm(long dueNanos) {
    armed = true;
    long millis = Math.max(1, (dueNanos - clock.nanoTime() + 999_999) / 1_000_000);
    vertx.setTimer(millis, id -> fire());
  }

  /**
   * Expires every call due, drops the ended ones before the first not due, and arms for that one.
   */
  private void fire() {
    long now = clock.nanoTime();
    // Still armed while expiring: a call added meanwhile (a retry started by a timeout) arms
    // nothing.
    while (!queue.isEmpty()
        && (queue.peekFirst().ended() || queue.peekFirst().dueNanos() - now <= 0)) {
      Timed head = queue.pollFirst();
      if (head.ended()) {
        endedInQueue--;
      } else {
        head.expire();
      }
    }
    armed = false;
    if (!queue.isEmpty()) {
      arm(queue.peekFirst().dueNanos());
    }
  }
}
