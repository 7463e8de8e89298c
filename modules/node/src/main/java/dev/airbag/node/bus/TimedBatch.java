package dev.airbag.node.bus;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Items gathered on one context for a while, then handed on together: one event-bus message for all
 * of them instead of one each. A message to a verticle on another event loop wakes that loop when
 * it sleeps, and on two busy cores each wake-up waits for a core: the judge's samples and scores,
 * sent one by one, made its node wake 0.19 times more per request at a 5% sample rate (0.03-0.05
 * gathered). Use it only on the context that made it.
 */
public final class TimedBatch<T> {

  private final Vertx vertx;
  private final long millis;
  private final Consumer<List<T>> handOn;
  private List<T> items = new ArrayList<>();

  /** Hands on what was gathered {@code millis} after the first of it. */
  public TimedBatch(Vertx vertx, long millis, Consumer<List<T>> handOn) {
    this.vertx = vertx;
    this.millis = millis;
    this.handOn = handOn;
  }

  public void add(T item) {
    if (items.isEmpty()) {
      vertx.setTimer(millis, t -> handOn());
    }
    items.add(item);
  }

  private void handOn() {
    List<T> gathered = items;
    items = new ArrayList<>();
    handOn.accept(gathered);
  }
}
