package dev.airbag.node.bus;

import java.time.Duration;
import java.util.Optional;

/**
 * An operator's (or a drill's) word to one deployment's breaker on this node: read it, open it,
 * close it. The reply is the breaker's {@link dev.airbag.core.breaker.BreakerSnapshot} after the
 * command.
 *
 * @param openFor how long an {@link Op#OPEN} lasts; the deployment's breaker cooldown when empty
 */
public record BreakerCommand(Op op, Optional<Duration> openFor) {

  /**
   * {@code DRILL_OVER}: a drill's window ended, so an OPEN breaker's cooldown ends now; it still
   * comes back by a probe.
   */
  public enum Op {
    SNAPSHOT,
    OPEN,
    CLOSE,
    DRILL_OVER
  }

  public static final BreakerCommand SNAPSHOT = new BreakerCommand(Op.SNAPSHOT, Optional.empty());
  public static final BreakerCommand DRILL_OVER =
      new BreakerCommand(Op.DRILL_OVER, Optional.empty());
}
