package org.webfilter.policy;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The policy in force. Readers call {@link #get()} once per request; a reload that validated replaces
 * the policy atomically, so a request sees either the old or the new policy, never a mix.
 */
public final class PolicyHolder implements Supplier<Policy> {
  private final AtomicReference<Policy> current;

  public PolicyHolder(Policy initial) {
    this.current = new AtomicReference<>(Objects.requireNonNull(initial));
  }

  @Override
  public Policy get() {
    return current.get();
  }

  public void replace(Policy next) {
    current.set(Objects.requireNonNull(next));
  }
}
