package dev.airbag.node.bus;

/** Every event-bus address Airbag uses, in one place. */
public final class Addresses {

  /** Chat requests from event-bus clients: the OpenAI request JSON in, the response JSON back. */
  public static final String CHAT = "airbag.chat";

  private static final String PROVIDER_PREFIX = "airbag.provider.";
  private static final String BREAKER_ADMIN_PREFIX = "airbag.breaker-admin.";

  private Addresses() {}

  /** This node's provider verticle for one deployment: always a local consumer. */
  public static String provider(String deploymentId) {
    return PROVIDER_PREFIX + deploymentId;
  }

  /** This node's breaker of one deployment, for operators: {@link BreakerCommand} in, snapshot out. Local. */
  public static String breakerAdmin(String deploymentId) {
    return BREAKER_ADMIN_PREFIX + deploymentId;
  }
}
