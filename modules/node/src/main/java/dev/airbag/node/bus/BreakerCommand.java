package dev.airbag.node.bus;

import java.time.Duration;
import java.util.Optional;

/**
 * An operator's word to one deployment's breaker on this node: read it, open it, close it. The reply
 * is the breaker's {@link dev.airbag.core.breaker.BreakerSnapshot} after the command.
 *
 * @param openFor how long an {@link Op#OPEN} lasts; the deployment's breaker cooldown when empty
 */
public record BreakerCommand(Op op, Optional<Duration> openFor) {

  public enum Op { SNAPSHOT, OPEN, CLOSE }

  public static final BreakerCommand SNAPSHOT = new BreakerCommand(Op.SNAPSHOT, Optional.empty());
}
