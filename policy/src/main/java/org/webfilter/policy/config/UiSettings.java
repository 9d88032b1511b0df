package org.webfilter.policy.config;

/** {@code ui:} keys: where the logs UI listens (default {@code 127.0.0.1:8080}; 0 picks a free port). */
public record UiSettings(String bind, int port) {}
