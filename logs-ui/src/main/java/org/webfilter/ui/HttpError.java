package org.webfilter.ui;

/** Ends a request with a status and a message that is safe to show to the caller. */
final class HttpError extends RuntimeException {
  private final int status;

  HttpError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }

  static HttpError badRequest(String param, String what) {
    return new HttpError(400, param + ": " + what);
  }
}
