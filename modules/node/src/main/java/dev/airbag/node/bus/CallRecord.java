package dev.airbag.node.bus;

import dev.airbag.core.breaker.Permit;
import dev.airbag.core.outcome.Outcome;

/**
 * How one provider call went, sent by the event loop that made it to the deployment's verticle,
 * which records it in the breaker, replying once it has when the lane waits to retry in place.
 * Failures and calls made under a granted permit travel one by one; healthy-path successes
 * gathered, as {@link SuccessBatch}.
 *
 * @param permit what the call was made under (CALL without asking while CLOSED, or what was
 *     granted)
 * @param benchMillis a retry-after the caller did not wait for in place: no call for this long; -1
 *     if none
 */
public record CallRecord(Permit permit, Outcome outcome, long latencyMillis, long benchMillis) {}
