package dev.airbag.node.bus;

/**
 * One answer to be judged, sent by a deployment's lane to this node's judge without waiting (in {@link JudgeSamples}).
 *
 * @param question what the user asked (their last message)
 */
public record JudgeSample(String deployment, String question, String answer) {}
