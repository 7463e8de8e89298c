package dev.airbag.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * An open-loop load generator: requests leave on a fixed schedule whatever the answers do, and each
 * latency is measured from when its request was meant to leave, so a stall shows up in full instead of
 * hiding behind requests that were never sent (coordinated omission). Several targets share the
 * schedule, interleaved request by request, so they meet the same moments of the machine.
 */
final class OpenLoop {

  /** One path under load: where to send, and what came back. */
  static final class Target {
    final String name;
    final int port;
    final String path;
    final Histogram micros = new Histogram(60_000_000L, 3);
    long sent;
    long ok;
    long errors;
    /** Still unanswered when the run's grace period ended: counted, never waited for. */
    long unanswered;
    private long answered;

    Target(String name, int port, String path) {
      this.name = name;
      this.port = port;
      this.path = path;
    }
  }

  /** How long after the schedule ends the stragglers are waited for. */
  static final long GRACE_MILLIS = 10_000;

  private OpenLoop() {}

  /** Sends to every target at {@code ratePerTarget} req/s for {@code millis}, then waits for the stragglers. */
  static Future<Map<String, Target>> run(Vertx vertx, List<Target> targets, int ratePerTarget, long millis, Buffer body) {
    Promise<Map<String, Target>> done = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> {
      HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
          new PoolOptions().setHttp1MaxSize(1_000));
      long interval = 1_000_000_000L / ratePerTarget;
      long start = System.nanoTime();
      long end = start + millis * 1_000_000L;
      long[] next = {start};
      int[] inFlight = {0};
      Runnable finish = () -> {
        if (done.future().isComplete()) {
          return;
        }
        Map<String, Target> out = new LinkedHashMap<>();
        targets.forEach(t -> {
          t.unanswered = t.sent - t.answered;
          out.put(t.name, t);
        });
        client.close();
        done.tryComplete(out);
      };
      vertx.setTimer(millis + GRACE_MILLIS, id -> finish.run());
      vertx.setPeriodic(1, id -> {
        long now = System.nanoTime();
        while (next[0] <= now && next[0] < end) {
          long intended = next[0];
          for (Target t : targets) {
            t.sent++;
            inFlight[0]++;
            client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(t.port)
                    .setURI(t.path).putHeader("content-type", "application/json"))
                .compose(req -> req.send(body))
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(ar -> {
                  if (done.future().isComplete()) {
                    return;
                  }
                  t.answered++;
                  t.micros.recordValue(Math.max(1, (System.nanoTime() - intended) / 1_000));
                  if (ar.succeeded() && ar.result() == 200) {
                    t.ok++;
                  } else {
                    t.errors++;
                  }
                  // Done once the schedule is spent and nothing is in flight; at low rates the last
                  // answer can arrive before the schedule's end time, so time alone is not the test.
                  if (--inFlight[0] == 0 && next[0] >= end) {
                    finish.run();
                  }
                });
          }
          next[0] += interval;
        }
        if (next[0] >= end) {
          vertx.cancelTimer(id);
          if (inFlight[0] == 0) {
            finish.run();
          }
        }
      });
    });
    return done.future();
  }
}
