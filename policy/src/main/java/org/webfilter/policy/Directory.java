package org.webfilter.policy;

import java.util.concurrent.CompletableFuture;

/**
 * Checks proxy logins against a user directory (LDAP, Active Directory) and maps them to a role.
 * Thread-safe. {@link ConfiguredPolicy} asks it about users who are not in the local users file.
 */
interface Directory {

  /**
   * Checks a login. The future is already complete when the answer is remembered; otherwise the
   * directory is asked on a thread of the directory's own, never the caller's, and the future
   * completes within the configured timeout (as {@link Outcome.Down} when there was no answer). It
   * never completes exceptionally.
   */
  CompletableFuture<Outcome> authenticate(String user, String password);

  /** What the directory said about a login. */
  sealed interface Outcome {
    /** The password is right and the user has {@code role}; {@code via} says why, for the trace. */
    record Authenticated(String user, String role, String via) implements Outcome {}

    /** Wrong password, unknown user, unusable name, or in no mapped group: {@code why} is for logs. */
    record Rejected(String why) implements Outcome {}

    /** The directory could not be asked (unreachable, too slow, misconfigured service account). */
    record Down(String why) implements Outcome {}
  }
}
