package org.webfilter.policy;

/** A user name and password offered by a client (proxy Basic login). */
public record Credentials(String user, String password) {
  @Override
  public String toString() {
    return "Credentials[user=" + user + "]"; // never log the password
  }
}
