package dev.airbag.core.config;

import java.util.Optional;

/**
 * OpenTelemetry tracing, {@code airbag.tracing}: off unless an OTLP endpoint is given.
 *
 * @param otlpEndpoint where spans go over OTLP/HTTP, e.g. {@code http://collector:4318/v1/traces}
 * @param sampleRate the share of traces started here that are kept (a caller's sampled traceparent
 *     is honoured)
 * @param serviceName the {@code service.name} resource attribute
 */
public record TracingSettings(
    Optional<String> otlpEndpoint, double sampleRate, String serviceName) {

  public static final TracingSettings OFF = new TracingSettings(Optional.empty(), 1.0, "airbag");
}
