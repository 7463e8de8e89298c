package dev.airbag.node.bus;

/**
 * A judge's score in [0, 1] for one of a deployment's answers, sent to that deployment's verticle
 * (in {@link JudgeScores}).
 *
 * @param sampledAtMillis when the answer was sampled, from its {@link JudgeSample}
 */
public record JudgeScore(double score, long sampledAtMillis) {}
