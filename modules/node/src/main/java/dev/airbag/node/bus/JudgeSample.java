package dev.airbag.node.bus;

/**
 * One answer to be judged, sent by a deployment's lane to this node's judge without waiting (in
 * {@link JudgeSamples}).
 *
 * @param question what the user asked (their last message)
 * @param sampledAtMillis when the answer was sampled (the node's clock): a breaker recovering since
 *     later ignores its score
 */
public record JudgeSample(
    String deployment, String question, String answer, long sampledAtMillis) {}
