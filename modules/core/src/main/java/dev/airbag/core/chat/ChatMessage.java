package dev.airbag.core.chat;

/** One message of a conversation; text only. */
public record ChatMessage(Role role, String content) {}
