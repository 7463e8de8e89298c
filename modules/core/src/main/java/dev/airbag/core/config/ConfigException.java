package dev.airbag.core.config;

/**
 * A config that cannot run, with one message naming the file, the line and the field, e.g. {@code
 * gateway.yaml:7: model_list[1].litellm_params.timeout: expected seconds, got "soon"}. Never
 * carries a secret's value.
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
