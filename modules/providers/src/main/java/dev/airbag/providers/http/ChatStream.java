package dev.airbag.providers.http;

import dev.airbag.core.chat.ChatChunk;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;

/**
 * A provider's answer arriving piece by piece. It is handed over only once the first token arrived,
 * so whoever holds one can commit to this provider. Produced on the provider client's context;
 * chunks are delivered on the subscriber's context, buffered until it subscribes.
 */
public final class ChatStream {

  private final ArrayDeque<ChatChunk> buffered = new ArrayDeque<>();
  private final Runnable cancel;
  private Runnable pause = () -> {};
  private Runnable resume = () -> {};
  private Context context;
  private Handler<ChatChunk> chunkHandler;
  private Handler<AsyncResult<Void>> endHandler;
  private AsyncResult<Void> ended;

  ChatStream(Runnable cancel) {
    this.cancel = cancel;
  }

  /**
   * Starts delivery: each chunk, then exactly one end (failed if the provider broke off
   * mid-stream).
   */
  public void subscribe(Context on, Handler<ChatChunk> chunks, Handler<AsyncResult<Void>> end) {
    if (Vertx.currentContext() != on) {
      // Subscribed from elsewhere: take over the buffered chunks on the subscriber's context, so
      // they come before any chunk delivered there directly.
      on.runOnContext(v -> subscribe(on, chunks, end));
      return;
    }
    synchronized (this) {
      context = on;
      chunkHandler = chunks;
      endHandler = end;
      while (!buffered.isEmpty()) {
        deliver(buffered.removeFirst());
      }
      if (ended != null) {
        deliverEnd(ended);
      }
    }
  }

  /** Stops the provider call, for a caller that went away. */
  public void cancel() {
    cancel.run();
  }

  /**
   * Stops reading the provider's stream until {@link #resume}, for a caller that reads slower than
   * the provider writes; the call's idle timeout does not run meanwhile (the wait is the caller's).
   */
  public void pause() {
    pause.run();
  }

  /** Reads the provider's stream again after {@link #pause}. */
  public void resume() {
    resume.run();
  }

  /** How the client pauses and resumes the provider's stream: set once its response arrived. */
  void flow(Runnable pause, Runnable resume) {
    this.pause = pause;
    this.resume = resume;
  }

  synchronized void push(ChatChunk chunk) {
    if (ended != null) {
      return;
    }
    if (chunkHandler == null) {
      buffered.addLast(chunk);
    } else {
      deliver(chunk);
    }
  }

  synchronized void finish(AsyncResult<Void> result) {
    if (ended != null) {
      return;
    }
    ended = result;
    if (endHandler != null) {
      deliverEnd(result);
    }
  }

  synchronized boolean isEnded() {
    return ended != null;
  }

  /**
   * On the subscriber's own context (the usual case: the call runs on the serving loop) at once,
   * else queued to it.
   */
  private void deliver(ChatChunk chunk) {
    Handler<ChatChunk> h = chunkHandler;
    if (Vertx.currentContext() == context) {
      h.handle(chunk);
    } else {
      context.runOnContext(v -> h.handle(chunk));
    }
  }

  private void deliverEnd(AsyncResult<Void> result) {
    Handler<AsyncResult<Void>> h = endHandler;
    if (Vertx.currentContext() == context) {
      h.handle(result);
    } else {
      context.runOnContext(v -> h.handle(result));
    }
  }

  static AsyncResult<Void> succeeded() {
    return Future.succeededFuture();
  }
}
