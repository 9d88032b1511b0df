package org.webfilter.app;

/** {@code lists import} could not finish (download, archive, disk): exit code 1, the old lists stay. */
final class ImportFailure extends Exception {
  ImportFailure(String message) {
    super(message);
  }

  ImportFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
