package dev.airbag.node.lane;

import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.outcome.Outcome;
import dev.airbag.providers.http.ChatStream;
import dev.airbag.providers.http.ProviderException;
import java.util.Optional;

/**
 * How a call to one deployment went, as its {@link ProviderLane} reports it.
 *
 * @param attempts provider calls made (0 when the deployment was benched)
 * @param response the answer, for a successful non-streamed call
 * @param stream the answer, for a successful streamed call, with its first token already in
 * @param failure what went wrong, for any other outcome
 */
public record ProviderReply(
    Outcome outcome,
    int attempts,
    Optional<ChatResponse> response,
    Optional<ChatStream> stream,
    Optional<ProviderException> failure) {

  static ProviderReply answered(ChatResponse response, int attempts) {
    return new ProviderReply(
        Outcome.SUCCESS, attempts, Optional.of(response), Optional.empty(), Optional.empty());
  }

  static ProviderReply streaming(ChatStream stream, int attempts) {
    return new ProviderReply(
        Outcome.SUCCESS, attempts, Optional.empty(), Optional.of(stream), Optional.empty());
  }

  static ProviderReply failed(ProviderException failure, int attempts) {
    return new ProviderReply(
        failure.outcome(), attempts, Optional.empty(), Optional.empty(), Optional.of(failure));
  }
}
