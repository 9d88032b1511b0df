package org.webfilter.policy;

/** The outcome of identifying a client: a role to judge by, or why the proxy must ask for a login. */
public sealed interface Identification {

  /** The client is known; judge its requests under {@code identity.role()}. */
  record Identified(Identity identity) implements Identification {}

  /** This network requires a proxy login and none was offered (HTTP 407). */
  record LoginRequired() implements Identification {}

  /** Credentials were offered but are wrong (HTTP 407; never reveal which part was wrong). */
  record LoginFailed(String user) implements Identification {}
}
