package dev.airbag.core.chat;

/** Who said a message, in OpenAI's terms; each wire format maps these to its own. */
public enum Role {
  SYSTEM,
  USER,
  ASSISTANT
}
