package org.webfilter.categoriser;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines like {@link java.io.BufferedReader#readLine} ({@code \n}, {@code \r} or {@code \r\n}
 * end a line), but never holds more than {@code maxLine} characters of one: the rest of an overlong
 * line is skipped as it is read, so a file that is one gigabyte-long line costs no memory.
 */
final class ListLines {
  /** Returned for a line longer than the limit (compare by identity). */
  static final String OVERLONG = new String("<overlong line>");

  private final Reader in;
  private final int maxLine;
  private final char[] buf = new char[1 << 16];
  private int pos;
  private int end;
  private boolean skipLf;

  ListLines(Reader in, int maxLine) {
    this.in = in;
    this.maxLine = maxLine;
  }

  /** The next line, {@link #OVERLONG}, or {@code null} at the end of the input. */
  String next() throws IOException {
    StringBuilder line = null;
    boolean overlong = false;
    while (true) {
      if (pos == end) {
        end = in.read(buf, 0, buf.length);
        pos = 0;
        if (end <= 0) {
          end = 0;
          if (line == null && !overlong) {
            return null;
          }
          return overlong ? OVERLONG : line.toString();
        }
      }
      if (skipLf) {
        skipLf = false;
        if (buf[pos] == '\n') {
          pos++;
          continue;
        }
      }
      int start = pos;
      while (pos < end && buf[pos] != '\n' && buf[pos] != '\r') {
        pos++;
      }
      if (!overlong) {
        if (line == null) {
          line = new StringBuilder(Math.min(pos - start + 16, maxLine + 1));
        }
        if (line.length() + (pos - start) > maxLine) {
          overlong = true;
          line = null;
        } else {
          line.append(buf, start, pos - start);
        }
      }
      if (pos < end) {
        skipLf = buf[pos] == '\r';
        pos++;
        return overlong ? OVERLONG : line.toString();
      }
    }
  }
}
