package org.webfilter.ui;

/**
 * What the UI tells people about the event index: fine, or being rebuilt from Kafka (and why, and
 * how far along), or damaged with nothing to rebuild from. Shown as a banner and on {@code
 * /healthz}; the words are for a DSL, never an exception. Thread-safe: the ingest thread writes,
 * request threads read.
 */
final class IndexHealth {
  private String problem; // null when fine
  private boolean rebuilding;
  private long read;
  private long total;

  /** The index needs rebuilding because of {@code why}; the ingester has been asked to. */
  synchronized void rebuildRequested(String why) {
    problem = why;
    rebuilding = true;
    read = 0;
    total = -1;
  }

  /** The index is damaged or gone and cannot be rebuilt here (no Kafka configured). */
  synchronized void unrecoverable(String why) {
    problem = why;
    rebuilding = false;
  }

  /** Progress of the rebuild: records read of those in the topic when it began. */
  synchronized void progress(long read, long total, boolean done) {
    if (done) {
      problem = null;
      rebuilding = false;
    } else {
      this.read = read;
      this.total = total;
    }
  }

  synchronized boolean ok() {
    return problem == null;
  }

  synchronized boolean rebuilding() {
    return rebuilding;
  }

  /** A sentence for the banner, or null when all is well. */
  synchronized String banner() {
    if (problem == null) {
      return null;
    }
    if (!rebuilding) {
      return problem + " Searches show only what has arrived since.";
    }
    String progress = total < 0 ? "starting" : read + " of " + total + " records read";
    return problem
        + " Rebuilding it from Kafka ("
        + progress
        + "); results are incomplete until it finishes.";
  }
}
