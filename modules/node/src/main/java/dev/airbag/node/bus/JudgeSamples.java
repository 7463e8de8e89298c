package dev.airbag.node.bus;

import java.util.List;

/**
 * Answers to be judged, gathered by a lane for a moment and sent to this node's judge as one
 * message.
 */
public record JudgeSamples(List<JudgeSample> samples) {}
