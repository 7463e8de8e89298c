package dev.airbag.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * An open-loop load generator: requests leave on a fixed schedule whatever the answers do, and each
 * latency is measured from when its request was meant to leave, so a stall shows up in full instead
 * of hiding behind requests that were never sent (coordinated omission). Several targets share the
 * schedule, interleaved request by request, so they meet the same moments of the machine.
 *
 * <p>The generator is a verticle on one event loop; its HTTP client lives as long as it does, so a
 * run after the warm-up finds its connections open.
 */
public final class OpenLoop extends VerticleBase {

  /** One path under load: where to send (round robin over ports), and what came back. */
  public static final class Target {
    public final String name;
    public final List<Integer> ports;
    public final String path;
    public final Histogram micros = new Histogram(60_000_000L, 3);
    public long sent;
    public long ok;
    public long errors;

    /** Still unanswered when the run's grace period ended: counted, never waited for. */
    public long unanswered;

    /**
     * Sends again to the next port when a connection fails (a node died), as a client behind a load
     * balancer would.
     */
    public boolean retryElsewhere;

    /** Requests sent again to another port after a connection failure. */
    public long retried;

    /**
     * Each request's latency in microseconds by its place in the schedule, -1 for a failed or
     * unanswered one: every target's n-th request left at the same moment, so two targets compare
     * request by request.
     */
    public long[] bySlot = new long[0];

    /**
     * When each request's first body bytes arrived, in microseconds from its intended send time, by
     * its place in the schedule, -1 for a failed one: for a stream, its first token.
     */
    public long[] firstBySlot = new long[0];

    public Target(String name, List<Integer> ports, String path) {
      this.name = name;
      this.ports = List.copyOf(ports);
      this.path = path;
    }

    public Target(String name, int port, String path) {
      this(name, List.of(port), path);
    }

    /** The same path with nothing counted yet. */
    public Target fresh() {
      Target t = new Target(name, ports, path);
      t.retryElsewhere = retryElsewhere;
      return t;
    }

    /**
     * Adds a later run of the same path to this one: counts, latencies, and its slots after this
     * one's, so two targets merged run by run still pair request by request.
     */
    public void append(Target later) {
      int n = (int) sent;
      bySlot = Arrays.copyOf(bySlot, n + (int) later.sent);
      System.arraycopy(later.bySlot, 0, bySlot, n, (int) later.sent);
      firstBySlot = Arrays.copyOf(firstBySlot, n + (int) later.sent);
      System.arraycopy(later.firstBySlot, 0, firstBySlot, n, (int) later.sent);
      sent += later.sent;
      ok += later.ok;
      errors += later.errors;
      unanswered += later.unanswered;
      retried += later.retried;
      micros.add(later.micros);
    }

    /**
     * What this target's requests took beyond {@code base}'s that left at the same moment, in
     * microseconds, sorted (negative when this one answered first); pairs where either failed are
     * left out.
     */
    public long[] addedOver(Target base) {
      return added(bySlot, base.bySlot, (int) Math.min(sent, base.sent));
    }

    /**
     * As {@link #addedOver}, to the first body bytes: for a stream, what the path added to its
     * first token.
     */
    public long[] firstAddedOver(Target base) {
      return added(firstBySlot, base.firstBySlot, (int) Math.min(sent, base.sent));
    }

    private static long[] added(long[] mine, long[] theirs, int n) {
      long[] added = new long[n];
      int pairs = 0;
      for (int i = 0; i < n; i++) {
        if (mine[i] >= 0 && theirs[i] >= 0) {
          added[pairs++] = mine[i] - theirs[i];
        }
      }
      added = Arrays.copyOf(added, pairs);
      Arrays.sort(added);
      return added;
    }

    /**
     * The {@code percentile} of the first body bytes' arrival over the requests answered, in
     * microseconds.
     */
    public long firstMicrosAt(double percentile) {
      long[] answered =
          Arrays.stream(firstBySlot, 0, (int) sent).filter(m -> m >= 0).sorted().toArray();
      return answered.length == 0
          ? 0
          : answered[(int) Math.ceil(percentile / 100 * answered.length) - 1];
    }

    /**
     * Sustained: every request answered with 200 and the 99th percentile under {@code p99Millis}.
     */
    public boolean sustained(double p99Millis) {
      return errors == 0
          && unanswered == 0
          && micros.getValueAtPercentile(99) / 1000.0 <= p99Millis;
    }
  }

  /** How long after the schedule ends the stragglers are waited for. */
  static final long GRACE_MILLIS = 10_000;

  private HttpClient client;

  /**
   * Its connections never idle out (keep-alive timeout 0): the generator is not what is measured,
   * and a client closing idle connections would take a node, mid-measurement, down the path of a
   * connection closed by its peer, untried until then and so compiled again (seconds of a node's
   * JIT).
   */
  @Override
  public Future<?> start() {
    client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setKeepAliveTimeout(0),
            new PoolOptions().setHttp1MaxSize(1_000));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    return client.close();
  }

  /** Deploys a generator on an event loop of its own; undeploy it to close its connections. */
  public static Future<OpenLoop> start(Vertx vertx) {
    OpenLoop loop = new OpenLoop();
    return vertx.deployVerticle(loop).map(id -> loop);
  }

  /**
   * Sends to every target at {@code ratePerTarget} req/s for {@code millis}, then waits for the
   * stragglers.
   */
  public Future<List<Target>> run(
      List<Target> targets, int ratePerTarget, long millis, Buffer body) {
    List<Target> fresh = targets.stream().map(Target::fresh).toList();
    Promise<List<Target>> done = Promise.promise();
    context.runOnContext(
        v -> {
          long start = System.nanoTime();
          schedule(
              vertx,
              client,
              fresh,
              start,
              1_000_000_000L / ratePerTarget,
              start + millis * 1_000_000L,
              body,
              done);
        });
    return done.future();
  }

  /**
   * One request to {@code t} at port {@code turn}, sent on to the next ports while connections
   * fail, {@code tries} in all; {@code firstBytesAt[0]} gets the {@link System#nanoTime()} its
   * first body bytes came.
   */
  private static Future<Integer> send(
      HttpClient client, Target t, int turn, Buffer body, int tries, long[] firstBytesAt) {
    Future<Integer> sent =
        client
            .request(
                new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setHost("127.0.0.1")
                    .setPort(t.ports.get(turn % t.ports.size()))
                    .setURI(t.path)
                    .putHeader("content-type", "application/json"))
            .compose(req -> req.send(body))
            .compose(
                resp -> {
                  resp.handler(
                      bytes -> {
                        if (firstBytesAt[0] < 0) {
                          firstBytesAt[0] = System.nanoTime();
                        }
                      });
                  return resp.end().map(v -> resp.statusCode());
                });
    return tries <= 1
        ? sent
        : sent.recover(
            e -> {
              t.retried++;
              firstBytesAt[0] = -1;
              return send(client, t, turn + 1, body, tries - 1, firstBytesAt);
            });
  }

  private static void schedule(
      Vertx vertx,
      HttpClient client,
      List<Target> targets,
      long first,
      long interval,
      long end,
      Buffer body,
      Promise<List<Target>> done) {
    long[] next = {first};
    long[] answered = new long[targets.size()];
    int[] inFlight = {0};
    int[] turn = {0};
    Runnable finish =
        () -> {
          if (done.future().isComplete()) {
            return;
          }
          for (int i = 0; i < targets.size(); i++) {
            targets.get(i).unanswered = targets.get(i).sent - answered[i];
          }
          done.tryComplete(targets);
        };
    vertx.setTimer(
        Math.max(1, (end - System.nanoTime()) / 1_000_000L) + GRACE_MILLIS, id -> finish.run());
    vertx.setPeriodic(
        1,
        id -> {
          long now = System.nanoTime();
          while (next[0] <= now && next[0] < end) {
            long intended = next[0];
            int port = turn[0]++;
            for (int i = 0; i < targets.size(); i++) {
              Target t = targets.get(i);
              int index = i;
              int slot = (int) t.sent;
              if (slot == t.bySlot.length) {
                t.bySlot = Arrays.copyOf(t.bySlot, Math.max(1_024, slot * 2));
                Arrays.fill(t.bySlot, slot, t.bySlot.length, -1);
                t.firstBySlot = Arrays.copyOf(t.firstBySlot, t.bySlot.length);
                Arrays.fill(t.firstBySlot, slot, t.firstBySlot.length, -1);
              }
              t.sent++;
              inFlight[0]++;
              long[] firstBytesAt = {-1};
              send(client, t, port, body, t.retryElsewhere ? t.ports.size() : 1, firstBytesAt)
                  .onComplete(
                      ar -> {
                        if (done.future().isComplete()) {
                          return;
                        }
                        answered[index]++;
                        long micros = Math.max(1, (System.nanoTime() - intended) / 1_000);
                        t.micros.recordValue(micros);
                        if (ar.succeeded() && ar.result() == 200) {
                          t.ok++;
                          t.bySlot[slot] = micros;
                          t.firstBySlot[slot] =
                              firstBytesAt[0] < 0
                                  ? micros
                                  : Math.max(1, (firstBytesAt[0] - intended) / 1_000);
                        } else {
                          t.errors++;
                        }
                        // Done once the schedule is spent and nothing is in flight; at low rates
                        // the last answer can arrive before the schedule's end time, so time alone
                        // is not the test.
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
  }
}
