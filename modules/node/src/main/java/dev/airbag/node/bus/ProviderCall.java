package dev.airbag.node.bus;

import dev.airbag.core.chat.ChatRequest;

/**
 * The router asks a deployment's verticle to answer a request.
 *
 * @param deadlineNanos the request's overall deadline on this node's monotonic clock; no call or retry
 *     runs past it
 * @param judging a judge's own call: never sampled for judging itself
 */
public record ProviderCall(ChatRequest request, boolean stream, long deadlineNanos, boolean judging) {}
