package dev.airbag.node.bus;

/** A judge's score in [0, 1] for one of a deployment's answers, sent to that deployment's verticle (in {@link JudgeScores}). */
public record JudgeScore(double score) {}
