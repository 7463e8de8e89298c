package dev.airbag.core.config;

import java.util.Objects;

/**
 * A key or token. Its value leaves only through {@link #reveal()}, at the moment it goes on the
 * wire; {@link #toString()} never shows it, so a secret logged or formatted by mistake stays
 * hidden.
 */
public final class Secret {

  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value);
  }

  public static Secret of(String value) {
    return new Secret(value);
  }

  public String reveal() {
    return value;
  }

  /**
   * Replaces every occurrence of this secret in a text, e.g. a provider's error message that echoes
   * a key.
   */
  public String scrub(String text) {
    if (text == null || value.isEmpty()) {
      return text;
    }
    return text.replace(value, "[redacted]");
  }

  /** Constant-time comparison, for checking a presented admin key. */
  public boolean matches(String presented) {
    if (presented == null) {
      return false;
    }
    return java.security.MessageDigest.isEqual(
        value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        presented.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "[redacted]";
  }
}
