package dev.airbag.providers.http;

import dev.airbag.core.chat.ChatChunk;

/** Where a wire adapter's stream decoder puts what it decoded. */
public interface StreamSink {

  void chunk(ChatChunk chunk);

  /** The provider said the stream is complete. */
  void end();

  /** The provider reported an error inside the stream. */
  void fail(ProviderException failure);
}
