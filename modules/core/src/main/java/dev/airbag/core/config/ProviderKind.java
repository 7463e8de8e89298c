package dev.airbag.core.config;

import java.util.Locale;
import java.util.Optional;

/** The wire protocols Airbag speaks, named by LiteLLM's {@code provider/model} prefix. */
public enum ProviderKind {
  /** OpenAI Chat Completions, and any OpenAI-compatible host given as {@code api_base}. */
  OPENAI("openai", "https://api.openai.com/v1"),
  /** Anthropic Messages. */
  ANTHROPIC("anthropic", "https://api.anthropic.com"),
  /** Google Gemini generateContent / streamGenerateContent. */
  GEMINI("gemini", "https://generativelanguage.googleapis.com");

  private final String prefix;
  private final String defaultApiBase;

  ProviderKind(String prefix, String defaultApiBase) {
    this.prefix = prefix;
    this.defaultApiBase = defaultApiBase;
  }

  public String prefix() {
    return prefix;
  }

  public String defaultApiBase() {
    return defaultApiBase;
  }

  public static Optional<ProviderKind> byPrefix(String prefix) {
    for (ProviderKind kind : values()) {
      if (kind.prefix.equals(prefix.toLowerCase(Locale.ROOT))) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  /**
   * LiteLLM infers the provider of a bare model name; so do we, for the three families we speak.
   */
  public static Optional<ProviderKind> inferFromModel(String model) {
    String m = model.toLowerCase(Locale.ROOT);
    if (m.startsWith("gpt-")
        || m.startsWith("o1")
        || m.startsWith("o3")
        || m.startsWith("o4")
        || m.startsWith("chatgpt-")) {
      return Optional.of(OPENAI);
    }
    if (m.startsWith("claude-")) {
      return Optional.of(ANTHROPIC);
    }
    if (m.startsWith("gemini-")) {
      return Optional.of(GEMINI);
    }
    return Optional.empty();
  }
}
