package org.webfilter.categoriser;

/** A line of a list file that could not be used, or a file that could not be read. */
public record ListProblem(String file, int line, String message) {

  @Override
  public String toString() {
    return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
  }
}
