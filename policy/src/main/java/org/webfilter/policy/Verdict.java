package org.webfilter.policy;

/** What to do with a request. {@code LOG}: allow it, but flag it for the DSL. */
public enum Verdict {
  ALLOW,
  BLOCK,
  LOG
}
