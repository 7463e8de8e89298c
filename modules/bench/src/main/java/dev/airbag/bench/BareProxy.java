package dev.airbag.bench;

import dev.airbag.providers.http.ProviderClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;

/**
 * The floor under the node's figures: a Vert.x proxy in its own JVM that forwards each POST's bytes
 * to one upstream and its answer's bytes back, with nothing of a gateway in between (no routing, no
 * JSON, no breaker, no metrics), on the node's transport and HTTP client and server settings: one
 * server and one client per event loop, so a call never changes thread. What a request through it
 * costs is what Vert.x, Netty and the kernel take for the two extra exchanges; the node's figures
 * over its own are Airbag's. The bench loads it alternately with the healthy scenario's node and
 * climbs the throughput ladder with it.
 *
 * <p>Usage: {@code BareProxy <port> <upstream port>} (both on 127.0.0.1); {@code GET /health/ready}
 * answers 200.
 */
public final class BareProxy {

  private BareProxy() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int upstream = Integer.parseInt(args[1]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    int loops = Runtime.getRuntime().availableProcessors();
    for (int i = 0; i < loops; i++) {
      vertx
          .deployVerticle(
              new io.vertx.core.VerticleBase() {
                @Override
                public Future<?> start() {
                  HttpClient client = ProviderClient.newHttpClient(vertx);
                  return vertx
                      .createHttpServer(
                          new HttpServerOptions()
                              .setPerMessageWebSocketCompressionSupported(false)
                              .setPerFrameWebSocketCompressionSupported(false))
                      .requestHandler(req -> forward(client, upstream, req))
                      .listen(port, "127.0.0.1");
                }
              })
          .onFailure(
              e -> {
                e.printStackTrace();
                System.exit(1);
              });
    }
  }

  private static void forward(HttpClient client, int upstream, HttpServerRequest req) {
    if (req.method() == HttpMethod.GET) {
      req.response().end("ready");
      return;
    }
    req.body()
        .compose(
            body ->
                client
                    .request(
                        new RequestOptions()
                            .setMethod(HttpMethod.POST)
                            .setHost("127.0.0.1")
                            .setPort(upstream)
                            .setURI(req.uri()))
                    .compose(
                        out ->
                            out.putHeader(
                                    HttpHeaders.CONTENT_TYPE,
                                    req.getHeader(HttpHeaders.CONTENT_TYPE))
                                .putHeader(HttpHeaders.AUTHORIZATION, "Bearer k")
                                .send(body)))
        .compose(
            answer ->
                answer
                    .body()
                    .compose(
                        bytes ->
                            req.response()
                                .setStatusCode(answer.statusCode())
                                .putHeader(
                                    HttpHeaders.CONTENT_TYPE,
                                    answer.getHeader(HttpHeaders.CONTENT_TYPE))
                                .end(bytes)))
        .onFailure(
            e -> {
              if (!req.response().headWritten()) {
                req.response().setStatusCode(502).end(String.valueOf(e));
              }
            });
  }
}
