package dev.airbag.node.bus;

/**
 * An answer of a deployment failed one of the cheap checks (named): a 0 for its quality signal,
 * sent to the deployment's verticle by the event loop that served it.
 */
public record AnswerFlagged(String check) {}
