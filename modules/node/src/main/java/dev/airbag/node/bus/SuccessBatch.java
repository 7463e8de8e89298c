package dev.airbag.node.bus;

/**
 * Successful calls an event loop made without asking the breaker (its view read CLOSED), gathered
 * for a few milliseconds and sent as one message: on the healthy path one message per request would
 * cost more than the request's own work. A lane sends what it gathered before any failure record,
 * so the breaker sees each lane's calls in order.
 *
 * @param slow how many of them took at least the breaker's {@code slow_call_threshold}
 */
public record SuccessBatch(int calls, int slow) {}
