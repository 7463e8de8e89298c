package dev.airbag.node.drill;

import dev.airbag.core.breaker.BreakerState;
import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.routing.TierPlan;
import dev.airbag.core.time.Clock;
import dev.airbag.core.time.CronSchedule;
import dev.airbag.node.bus.Addresses;
import dev.airbag.node.bus.BreakerCommand;
import dev.airbag.node.cluster.Cluster;
import dev.airbag.node.cluster.EventLog;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Runs the drills started on this node: breaks the target on every node for the drill's window (a
 * {@link DrillOverride} each node ends by its own clock), drives synthetic requests through this
 * node's own HTTP API, watches the target's breaker open everywhere and come back, and keeps the
 * verdict in the cluster ({@link DrillReport}). With {@code airbag.drills.schedule} set, it also
 * starts the scheduled drill, once cluster-wide each time.
 */
public final class DrillVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(DrillVerticle.class.getName());

  /** Marks a drill's synthetic request with the drill's id. */
  public static final String DRILL_HEADER = "x-airbag-drill";

  /**
   * After the window, how long the last broken calls get to land before the target's cooldown is
   * cut short.
   */
  static final long GRACE_MILLIS = 1_000;

  /** How often a running drill's report in the cluster is brought up to date. */
  static final long REPORT_EVERY_MILLIS = 1_000;

  static final long KEEP_REPORTS_MILLIS = 30L * 24 * 60 * 60 * 1000;

  /** How often every node looks whether the scheduled drill is due. */
  static final long SCHEDULE_CHECK_MILLIS = 1_000;

  /** How often a drill on live traffic looks at the breaker and the clock. */
  static final long LIVE_TICK_MILLIS = 250;

  /** How long the drill's node waits for every node's figures at the end. */
  static final long COLLECT_MILLIS = 3_000;

  private static final List<String> PROMPTS =
      List.of(
          "The city council approved a new budget for public libraries on Tuesday, adding evening hours at four branches.",
          "Researchers found that bees remember the colour of flowers that gave them the most nectar earlier in the day.",
          "The ferry company will replace two diesel boats with electric ones next spring to cut noise and fuel costs.",
          "A local bakery began donating unsold bread to the shelter, which now serves breakfast to forty people daily.");

  private final GatewayConfig config;
  private final TierPlan tiers;
  private final Clock clock;
  private final String node;

  /** A deployment's breaker in words as this node reads it now: its state and reason. */
  private final Function<String, String> breakerNow;

  private final DrillsInForce drills;
  private final EventLog events;
  private final String apiHost;
  private final int apiPort;
  private HttpClient http;
  private DrillSightings sightings;

  public DrillVerticle(
      GatewayConfig config,
      TierPlan tiers,
      Clock clock,
      String node,
      Function<String, String> breakerNow,
      DrillsInForce drills,
      EventLog events,
      String host,
      int apiPort) {
    this.config = config;
    this.tiers = tiers;
    this.clock = clock;
    this.node = node;
    this.breakerNow = breakerNow;
    this.drills = drills;
    this.events = events;
    this.apiHost = "0.0.0.0".equals(host) ? "127.0.0.1" : host;
    this.apiPort = apiPort;
  }

  @Override
  public Future<?> start() {
    http =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(64));
    sightings = new DrillSightings(vertx);
    config.airbag().drills().schedule().ifPresent(this::schedule);
    // Whoever runs a drill collects every node's watch of its traffic at the end.
    Future<Void> collecting =
        vertx
            .eventBus()
            .<JsonObject>consumer(
                Addresses.DRILL_COLLECT,
                m -> {
                  DrillTally tally = drills.tally(m.body().getString("drill"));
                  TrafficFigures figures = tally == null ? TrafficFigures.none() : tally.figures();
                  vertx.eventBus().send(m.body().getString("reply"), figures.toWire());
                })
            .completion();
    Future<Void> starting =
        vertx
            .eventBus()
            .<DrillPlan>localConsumer(
                Addresses.DRILL_START,
                m ->
                    begin(m.body(), "command")
                        .onSuccess(m::reply)
                        .onFailure(
                            e -> {
                              if (!(e instanceof Busy)) {
                                LOG.log(
                                    java.util.logging.Level.WARNING,
                                    "could not start a drill on " + m.body().target().id(),
                                    e);
                              }
                              m.fail(e instanceof Busy ? 409 : 500, String.valueOf(e.getMessage()));
                            }))
            .completion();
    // Started means another node's drill can already collect this node's figures.
    return Future.all(collecting, starting);
  }

  /**
   * Every node watches the schedule; at each time it names, the node whose claim on that time lands
   * first in the clustered map runs the drill, so it runs once however many nodes there are. A node
   * that was down at the time does not make up for it later.
   */
  private void schedule(CronSchedule schedule) {
    Optional<DrillPlan> plan = DrillPlan.scheduled(config.airbag().drills(), config, tiers);
    if (plan.isEmpty()) {
      LOG.warning(
          "airbag.drills.schedule is set, but no deployment has a tier to fail over to: no drill will run by schedule");
      return;
    }
    long[] next = {schedule.nextAfter(clock.nowMillis())};
    LOG.info(
        () ->
            "next scheduled "
                + plan.get().kind().label()
                + " drill on "
                + plan.get().target().id()
                + ": "
                + Instant.ofEpochMilli(next[0]));
    vertx.setPeriodic(
        SCHEDULE_CHECK_MILLIS,
        t -> {
          long due = next[0];
          if (clock.nowMillis() < due) {
            return;
          }
          next[0] =
              schedule.nextAfter(
                  Math.max(due, clock.nowMillis())); // times missed while down are not made up
          vertx
              .sharedData()
              .<String, String>getAsyncMap(Addresses.DRILL_SCHEDULE_MAP)
              .compose(map -> map.putIfAbsent(String.valueOf(due), node, EventLog.KEEP_MILLIS))
              .onSuccess(
                  holder -> {
                    if (holder == null) {
                      begin(plan.get(), "schedule")
                          .onFailure(
                              e ->
                                  LOG.warning(
                                      () ->
                                          "the scheduled drill did not start: " + e.getMessage()));
                    }
                  })
              .onFailure(
                  e ->
                      LOG.warning(
                          () ->
                              "could not claim the scheduled drill at "
                                  + Instant.ofEpochMilli(due)
                                  + ": "
                                  + e.getMessage()));
        });
  }

  /**
   * Asks every node for its watch of {@code drill}'s traffic and merges the answers: all {@code
   * nodes} of them, or those in by {@link #COLLECT_MILLIS} (a node that died mid-drill took its
   * figures along).
   */
  private Future<TrafficFigures> collect(String drill, int nodes) {
    String replies = Addresses.drillCollectReplies(drill);
    List<TrafficFigures> got = new ArrayList<>();
    Promise<TrafficFigures> merged = Promise.promise();
    var consumer =
        vertx
            .eventBus()
            .<JsonObject>consumer(
                replies,
                m -> {
                  got.add(TrafficFigures.fromWire(m.body()));
                  if (got.size() >= nodes) {
                    merged.tryComplete(TrafficFigures.merge(got));
                  }
                });
    long timer = vertx.setTimer(COLLECT_MILLIS, t -> merged.tryComplete(TrafficFigures.merge(got)));
    consumer
        .completion()
        .onSuccess(
            v ->
                vertx
                    .eventBus()
                    .publish(
                        Addresses.DRILL_COLLECT,
                        new JsonObject().put("drill", drill).put("reply", replies)));
    return merged
        .future()
        .onComplete(
            ar -> {
              vertx.cancelTimer(timer);
              consumer.unregister();
            });
  }

  /**
   * Claims the target for the drill cluster-wide (one drill per deployment at a time), then starts
   * it.
   */
  private Future<JsonObject> begin(DrillPlan plan, String trigger) {
    long now = clock.nowMillis();
    long until = now + plan.duration().toMillis();
    DrillOverride override =
        new DrillOverride(
            UUID.randomUUID().toString(),
            plan.kind(),
            plan.target().id(),
            plan.target().modelGroup(),
            until,
            until + GRACE_MILLIS + plan.recoveryLimit().toMillis(),
            plan.live(),
            now);
    return vertx
        .sharedData()
        .<String, JsonObject>getAsyncMap(Addresses.DRILL_OVERRIDE_MAP)
        .compose(map -> claim(map, override, plan.duration().toMillis() + GRACE_MILLIS))
        .map(
            v -> {
              vertx.eventBus().publish(Addresses.drill(plan.target().id()), override.toJson());
              Run run = new Run(plan, override, now, trigger);
              events.record(
                  "drill-" + override.drill() + "-started",
                  new JsonObject()
                      .put("type", "drill_started")
                      .put("drill", override.drill())
                      .put("kind", plan.kind().label())
                      .put("deployment", plan.target().id())
                      .put("node", node)
                      .put("until", override.untilMillis()));
              LOG.warning(
                  () ->
                      plan.kind().label()
                          + " drill "
                          + override.drill()
                          + " breaks "
                          + plan.target().id()
                          + " on every node until "
                          + Instant.ofEpochMilli(override.untilMillis()));
              run.start();
              return run.report("running");
            });
  }

  /**
   * Puts the override in the cluster map unless another drill's is still in force on the target.
   */
  private Future<Void> claim(
      AsyncMap<String, JsonObject> map, DrillOverride override, long ttlMillis) {
    return map.putIfAbsent(override.deployment(), override.toJson(), ttlMillis)
        .compose(
            existing -> {
              if (existing == null) {
                return Future.succeededFuture();
              }
              DrillOverride other = DrillOverride.fromJson(existing);
              if (other.activeAt(clock.nowMillis())) {
                return Future.failedFuture(
                    new Busy(
                        "drill "
                            + other.drill()
                            + " is already breaking "
                            + override.deployment()
                            + " until "
                            + Instant.ofEpochMilli(other.untilMillis())));
              }
              // An entry past its time that the map has not expired yet: take it out, then claim
              // again.
              return map.removeIfPresent(override.deployment(), existing)
                  .compose(removed -> claim(map, override, ttlMillis));
            });
  }

  /** Another drill is breaking the target now. */
  static final class Busy extends RuntimeException {
    Busy(String message) {
      super(message);
    }
  }

  private enum Phase {
    WINDOW,
    RECOVERY,
    DONE
  }

  /** One drill under way, on this verticle's context. */
  private final class Run {
    final DrillPlan plan;
    final DrillOverride override;
    final long startedAt;
    final long recoveryDeadline;
    final String trigger;
    Phase phase = Phase.WINDOW;
    long timer;
    long lastReport;
    int sent;

    /**
     * Synthetic requests that got no HTTP answer at all from this node: user-visible errors too.
     */
    int unanswered;

    int inFlight;
    boolean cooldownCut;
    boolean asking;

    /** The target's breaker as this node saw it when first OPEN, and when it came back. */
    DrillReport.BreakerAtOpen opened;

    long openedAt = -1;
    long probePassedAt = -1;
    long closedAt = -1;
    final Promise<Void> drained = Promise.promise();

    /**
     * Every deployment's breaker on this node as the drill began: a fallback already OPEN explains
     * a failed check.
     */
    final JsonObject atStart = new JsonObject();

    Run(DrillPlan plan, DrillOverride override, long startedAt, String trigger) {
      this.plan = plan;
      this.trigger = trigger;
      this.override = override;
      this.startedAt = startedAt;
      this.recoveryDeadline = override.untilMillis() + plan.recoveryLimit().toMillis();
      config.deployments().forEach(d -> atStart.put(d.id(), breakerNow.apply(d.id())));
    }

    void start() {
      // Without synthetic traffic the ticks only watch the breaker and the clock.
      timer =
          vertx.setPeriodic(
              plan.live() ? LIVE_TICK_MILLIS : Math.max(1, Math.round(1000 / plan.rate())),
              t -> tick());
    }

    void tick() {
      long now = clock.nowMillis();
      if (phase == Phase.WINDOW && now >= override.untilMillis()) {
        phase = Phase.RECOVERY;
      }
      if (phase == Phase.RECOVERY && !cooldownCut && now >= override.untilMillis() + GRACE_MILLIS) {
        cooldownCut = true;
        if (openedAt < 0) {
          finish(); // the breaker never opened: there is nothing to come back from
          return;
        }
        // The cause is gone: the target need not sit out the rest of its cooldown. It still comes
        // back only through a probe and the ramp, which is what the drill checks.
        askBreaker(BreakerCommand.DRILL_OVER);
      }
      if (phase == Phase.RECOVERY && (closedAt >= 0 || now >= recoveryDeadline)) {
        finish();
        return;
      }
      if (!plan.live()) {
        send();
      }
      if (!asking) {
        askBreaker(BreakerCommand.SNAPSHOT);
      }
      if (now - lastReport >= REPORT_EVERY_MILLIS) {
        lastReport = now;
        store(report("running"));
      }
    }

    void askBreaker(BreakerCommand command) {
      asking = true;
      vertx
          .eventBus()
          .<JsonObject>request(Addresses.breakerAdmin(plan.target().id()), command)
          .onComplete(
              ar -> {
                asking = false;
                if (ar.succeeded()) {
                  watch(ar.result().body());
                }
              });
    }

    /** Notes the target's breaker opening, passing its probe and closing, as this node sees it. */
    void watch(JsonObject breaker) {
      long now = clock.nowMillis();
      BreakerState state = BreakerState.valueOf(breaker.getString("state"));
      if (state == BreakerState.OPEN && openedAt < 0) {
        openedAt = now;
        opened = DrillReport.BreakerAtOpen.of(breaker);
      }
      if (phase != Phase.RECOVERY || !cooldownCut || openedAt < 0) {
        return;
      }
      if (probePassedAt < 0
          && (state == BreakerState.CLOSED
              || state == BreakerState.HALF_OPEN && breaker.getDouble("ramp_fraction") > 0)) {
        probePassedAt = now;
      }
      if (closedAt < 0 && state == BreakerState.CLOSED) {
        closedAt = now;
      }
    }

    void send() {
      sent++;
      inFlight++;
      String prompt = PROMPTS.get(sent % PROMPTS.size());
      JsonObject body =
          new JsonObject()
              .put("model", plan.target().modelGroup())
              .put(
                  "messages",
                  new JsonArray()
                      .add(
                          new JsonObject()
                              .put("role", "system")
                              .put("content", "Summarize the user's text in one sentence."))
                      .add(new JsonObject().put("role", "user").put("content", prompt)));
      RequestOptions options =
          new RequestOptions()
              .setMethod(HttpMethod.POST)
              .setHost(apiHost)
              .setPort(apiPort)
              .setURI("/v1/chat/completions")
              .putHeader("content-type", "application/json")
              .putHeader(DRILL_HEADER, override.drill())
              .setIdleTimeout(config.airbag().requestTimeout().toMillis() + 5_000);
      // How each was answered the nodes record (DrillTally); here only what never got an answer.
      http.request(options)
          .compose(req -> req.send(body.toBuffer()).compose(resp -> resp.body()))
          .onComplete(
              ar -> {
                if (ar.failed()) {
                  unanswered++;
                }
                if (--inFlight == 0 && phase == Phase.DONE) {
                  drained.tryComplete();
                }
              });
    }

    void finish() {
      phase = Phase.DONE;
      vertx.cancelTimer(timer);
      if (inFlight == 0) {
        drained.tryComplete();
      }
      List<String> members = Cluster.memberIds(vertx, node);
      drained
          .future()
          .compose(v -> collect(override.drill(), members.size()))
          .compose(
              traffic ->
                  sightings
                      .of(override.drill())
                      .map(
                          seen -> {
                            JsonObject report = report("finished").put("traffic", traffic(traffic));
                            return DrillReport.verdict(
                                report,
                                plan,
                                override,
                                traffic,
                                unanswered,
                                seen,
                                members,
                                new DrillReport.Recovery(
                                    openedAt, opened, probePassedAt, closedAt));
                          }))
          .onFailure(
              e ->
                  LOG.log(
                      java.util.logging.Level.WARNING,
                      "drill " + override.drill() + " could not be judged",
                      e))
          .onSuccess(
              report -> {
                store(report);
                boolean passed = "passed".equals(report.getString("status"));
                events.record(
                    "drill-" + override.drill() + "-finished",
                    new JsonObject()
                        .put("type", "drill_finished")
                        .put("drill", override.drill())
                        .put("kind", plan.kind().label())
                        .put("deployment", plan.target().id())
                        .put("node", node)
                        .put("status", report.getString("status")));
                LOG.log(
                    passed ? java.util.logging.Level.INFO : java.util.logging.Level.WARNING,
                    () ->
                        plan.kind().label()
                            + " drill "
                            + override.drill()
                            + " on "
                            + plan.target().id()
                            + ": "
                            + report.getString("status"));
              });
    }

    JsonObject report(String status) {
      return new JsonObject()
          .put("id", override.drill())
          .put("kind", plan.kind().label())
          .put("target", plan.target().id())
          .put("model_group", plan.target().modelGroup())
          .put("node", node)
          .put("status", status)
          .put("trigger", trigger)
          .put("started_at", startedAt)
          .put("window_ends_at", override.untilMillis())
          .put("finish_by", recoveryDeadline + GRACE_MILLIS)
          .put("plan", plan.toJson())
          .put("traffic", new JsonObject().put("sent", sent))
          .put("at_start", atStart);
    }

    /** Every node's watch of the traffic, merged, with what only this node's client saw. */
    JsonObject traffic(TrafficFigures merged) {
      return merged
          .toReport()
          .put("sent", plan.live() ? null : sent)
          .put("unanswered", unanswered)
          .put("user_visible_errors", merged.userVisibleErrors() + unanswered);
    }

    void store(JsonObject report) {
      vertx
          .sharedData()
          .<String, JsonObject>getAsyncMap(Addresses.DRILL_MAP)
          .compose(map -> map.put(override.drill(), report, KEEP_REPORTS_MILLIS))
          .onFailure(
              e ->
                  LOG.warning(
                      () ->
                          "could not store drill "
                              + override.drill()
                              + "'s report: "
                              + e.getMessage()));
    }
  }
}
