package dev.airbag.node.telemetry;

import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.TracingSettings;
import dev.airbag.core.outcome.Outcome;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The node's traces: one SERVER span per chat request, carrying {@code fallback.tier}, the
 * deployment that served and the attempts; one CLIENT span per provider attempt with its outcome
 * class. A caller's W3C {@code traceparent} is honoured and the current one goes on to the
 * providers. Spans are explicit (a {@link Context} travels with the request), never thread-local:
 * an event loop serves many requests.
 */
public final class NodeTracing {

  public static final AttributeKey<String> FALLBACK_TIER = AttributeKey.stringKey("fallback.tier");
  public static final AttributeKey<String> DEPLOYMENT = AttributeKey.stringKey("airbag.deployment");
  public static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("airbag.attempts");
  static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("airbag.attempt");
  public static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("airbag.outcome");
  static final AttributeKey<String> MODEL_GROUP = AttributeKey.stringKey("airbag.model_group");

  private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final TextMapGetter<HttpServerRequest> FROM_REQUEST =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServerRequest carrier) {
          return carrier.headers().names();
        }

        @Override
        public String get(HttpServerRequest carrier, String key) {
          return carrier == null ? null : carrier.getHeader(key);
        }
      };

  private final Tracer tracer;

  public NodeTracing(OpenTelemetry otel) {
    this.tracer = otel.getTracer("dev.airbag.node");
  }

  /**
   * OTLP/HTTP export when {@code airbag.tracing.otlp_endpoint} is set; otherwise spans cost
   * nothing.
   */
  public static OpenTelemetry open(TracingSettings settings) {
    if (settings.otlpEndpoint().isEmpty()) {
      return OpenTelemetry.noop();
    }
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(
                BatchSpanProcessor.builder(
                        OtlpHttpSpanExporter.builder()
                            .setEndpoint(settings.otlpEndpoint().get())
                            .build())
                    .build())
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampleRate())))
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(
                                AttributeKey.stringKey("service.name"), settings.serviceName()))))
            .build();
    Runtime.getRuntime().addShutdownHook(new Thread(provider::close, "airbag-tracing-flush"));
    return OpenTelemetrySdk.builder().setTracerProvider(provider).build();
  }

  /** The request's SERVER span, child of the caller's {@code traceparent} when it sent one. */
  public Span server(HttpServerRequest request, String modelGroup) {
    Context parent = W3C.extract(Context.root(), request, FROM_REQUEST);
    return tracer
        .spanBuilder(request.method() + " " + request.path())
        .setParent(parent)
        .setSpanKind(SpanKind.SERVER)
        .setAttribute("http.request.method", request.method().name())
        .setAttribute("url.path", request.path())
        .setAttribute(MODEL_GROUP, modelGroup)
        .startSpan();
  }

  /** A SERVER span for a request that came over the event bus (no caller trace to continue). */
  public Span bus(String modelGroup) {
    return tracer
        .spanBuilder("airbag.chat")
        .setParent(Context.root())
        .setSpanKind(SpanKind.SERVER)
        .setAttribute(MODEL_GROUP, modelGroup)
        .startSpan();
  }

  /** Marks how a request was answered; the caller ends the span when the response is complete. */
  public static void served(Span span, String tier, String deployment, int attempts) {
    span.setAttribute(FALLBACK_TIER, tier);
    if (deployment != null) {
      span.setAttribute(DEPLOYMENT, deployment);
    }
    span.setAttribute(ATTEMPTS, (long) attempts);
  }

  /** One provider attempt's CLIENT span, child of {@code parent}. */
  public Span attempt(Context parent, Deployment d, int attempt) {
    return tracer
        .spanBuilder("chat " + d.model())
        .setParent(parent)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute("gen_ai.system", d.provider().prefix())
        .setAttribute("gen_ai.request.model", d.model())
        .setAttribute(DEPLOYMENT, d.id())
        .setAttribute(ATTEMPT, (long) attempt)
        .startSpan();
  }

  /** Ends an attempt's span with its outcome class; anything but success is an error. */
  public static void ended(Span span, Outcome outcome) {
    span.setAttribute(OUTCOME, outcome.name().toLowerCase(Locale.ROOT));
    if (outcome != Outcome.SUCCESS) {
      span.setStatus(StatusCode.ERROR);
    }
    span.end();
  }

  /**
   * The {@code traceparent} (and {@code tracestate}) headers that carry {@code span} to a provider;
   * empty when not sampled.
   */
  public static Map<String, String> headers(Span span) {
    if (!span.getSpanContext().isValid()) {
      return Map.of(); // tracing off: nothing to carry, nothing allocated
    }
    Map<String, String> out = new HashMap<>(2);
    W3C.inject(Context.root().with(span), out, (carrier, key, value) -> carrier.put(key, value));
    return out;
  }
}
