package dev.airbag.node.bus;

import java.util.List;

/**
 * A judge's scores for a deployment's answers, gathered for a moment and sent to that deployment's
 * verticle as one message.
 */
public record JudgeScores(List<JudgeScore> scores) {}
