package dev.airbag.node.dashboard;

import dev.airbag.core.breaker.BreakerState;
import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.GatewayConfig;
import dev.airbag.node.bus.Addresses;
import dev.airbag.node.telemetry.LatencyHistograms;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.HdrHistogram.Histogram;

/**
 * The dashboard's picture of a span of minutes, cluster-wide or one node's: per deployment the
 * calls, error rate, judge mean, p95 call latency and the breaker's worst state each minute; per
 * model group the requests by tier. Read from the minutes every node keeps in {@link
 * Addresses#HISTORY_MAP}.
 */
public final class HistoryQuery {

  /** A span this short is read key by key; a longer one as the whole map. */
  private static final int FEW_MINUTES = 5;

  private final Vertx vertx;
  private final GatewayConfig config;

  public HistoryQuery(Vertx vertx, GatewayConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /**
   * The minutes from {@code sinceMillis} to {@code nowMillis}, every node's added up ({@code node}
   * null) or one node's. Members present now are listed, so a node that just joined can be picked.
   */
  public Future<JsonObject> minutes(
      long sinceMillis, long nowMillis, String node, List<String> members) {
    long from = sinceMillis - Math.floorMod(sinceMillis, HistoryWriter.MINUTE_MILLIS);
    long to = nowMillis - Math.floorMod(nowMillis, HistoryWriter.MINUTE_MILLIS);
    return records(from, to, members)
        .compose(
            records ->
                vertx.executeBlocking(() -> aggregate(config, records, from, to, node, members)));
  }

  private Future<List<JsonObject>> records(long from, long to, List<String> members) {
    Future<io.vertx.core.shareddata.AsyncMap<String, JsonObject>> map =
        vertx.sharedData().getAsyncMap(Addresses.HISTORY_MAP);
    if ((to - from) / HistoryWriter.MINUTE_MILLIS < FEW_MINUTES) {
      return map.compose(
          m -> {
            List<Future<JsonObject>> gets = new ArrayList<>();
            for (long minute = from; minute <= to; minute += HistoryWriter.MINUTE_MILLIS) {
              for (String member : members) {
                gets.add(m.get(minute + "/" + member));
              }
            }
            return Future.all(gets)
                .map(all -> gets.stream().map(Future::result).filter(r -> r != null).toList());
          });
    }
    return map.compose(m -> m.values()).map(List::copyOf);
  }

  /**
   * The minutes {@code from}..{@code to} (minute starts) of {@code records} as the page draws them:
   * every node's added up ({@code node} null) or one node's; the members and every node that wrote
   * a record are listed.
   */
  static JsonObject aggregate(
      GatewayConfig config,
      List<JsonObject> records,
      long from,
      long to,
      String node,
      List<String> members) {
    int n = (int) ((to - from) / HistoryWriter.MINUTE_MILLIS) + 1;
    TreeSet<String> nodes = new TreeSet<>(members);
    // Per deployment and minute: calls, failures, judged, judge sum, the worst state, the merged
    // latency.
    Map<String, long[][]> counts = new TreeMap<>();
    Map<String, double[]> judgeSums = new TreeMap<>();
    Map<String, int[]> states = new TreeMap<>();
    Map<String, Histogram[]> latency = new TreeMap<>();
    Map<String, Map<String, long[]>> tiers = new TreeMap<>();
    for (Deployment d : config.deployments()) {
      counts.put(d.id(), new long[3][n]);
      judgeSums.put(d.id(), new double[n]);
      int[] s = new int[n];
      java.util.Arrays.fill(s, -1);
      states.put(d.id(), s);
      latency.put(d.id(), new Histogram[n]);
    }
    for (JsonObject r : records) {
      nodes.add(r.getString("node"));
      long minute = r.getLong("minute");
      if (minute < from || minute > to || node != null && !node.equals(r.getString("node"))) {
        continue;
      }
      int i = (int) ((minute - from) / HistoryWriter.MINUTE_MILLIS);
      r.getJsonObject("deployments")
          .forEach(
              e -> {
                if (!counts.containsKey(e.getKey())) {
                  return; // a deployment another config version had
                }
                JsonObject d = (JsonObject) e.getValue();
                long[][] c = counts.get(e.getKey());
                c[0][i] += d.getLong("calls");
                c[1][i] += d.getLong("failures");
                c[2][i] += d.getLong("judged");
                judgeSums.get(e.getKey())[i] += d.getDouble("judge_sum");
                int[] s = states.get(e.getKey());
                s[i] =
                    Math.max(s[i], HistoryWriter.rank(BreakerState.valueOf(d.getString("state"))));
                Histogram[] h = latency.get(e.getKey());
                if (h[i] == null) {
                  h[i] = LatencyHistograms.empty();
                }
                h[i].add(LatencyHistograms.decode(d.getString("latency")));
              });
      r.getJsonObject("tiers")
          .forEach(
              g ->
                  ((JsonObject) g.getValue())
                      .forEach(
                          t ->
                              tiers.computeIfAbsent(g.getKey(), k -> new TreeMap<>())
                                      .computeIfAbsent(t.getKey(), k -> new long[n])[i] +=
                                  ((Number) t.getValue()).longValue()));
    }
    JsonArray times = new JsonArray();
    for (int i = 0; i < n; i++) {
      times.add(from + i * HistoryWriter.MINUTE_MILLIS);
    }
    JsonObject deployments = new JsonObject();
    for (Deployment d : config.deployments()) {
      long[][] c = counts.get(d.id());
      JsonArray calls = new JsonArray();
      JsonArray errorRate = new JsonArray();
      JsonArray judge = new JsonArray();
      JsonArray p95 = new JsonArray();
      JsonArray state = new JsonArray();
      for (int i = 0; i < n; i++) {
        calls.add(c[0][i]);
        errorRate.add(c[0][i] == 0 ? null : (double) c[1][i] / c[0][i]);
        judge.add(c[2][i] == 0 ? null : judgeSums.get(d.id())[i] / c[2][i]);
        Histogram h = latency.get(d.id())[i];
        p95.add(h == null || h.getTotalCount() == 0 ? null : LatencyHistograms.millis(h, 95));
        int s = states.get(d.id())[i];
        state.add(s < 0 ? null : HistoryWriter.ofRank(s).name());
      }
      deployments.put(
          d.id(),
          new JsonObject()
              .put("model_group", d.modelGroup())
              .put("provider", d.provider().prefix())
              .put("calls", calls)
              .put("error_rate", errorRate)
              .put("judge", judge)
              .put("p95_ms", p95)
              .put("state", state));
    }
    JsonObject groups = new JsonObject();
    tiers.forEach(
        (group, byTier) -> {
          JsonObject t = new JsonObject();
          byTier.forEach(
              (tier, values) -> {
                JsonArray a = new JsonArray();
                for (long v : values) {
                  a.add(v);
                }
                t.put(tier, a);
              });
          groups.put(group, t);
        });
    return new JsonObject()
        .put("node", node)
        .put("nodes", new JsonArray(List.copyOf(nodes)))
        .put("minutes", times)
        .put("deployments", deployments)
        .put("model_groups", groups);
  }
}
