package org.webfilter.ui;

import java.util.List;

/**
 * RFC 4180 CSV that is safe to open in a spreadsheet. Every event field is typed by a pupil or a
 * web site, so a cell that starts with {@code = + - @}, a tab or a carriage return would be run as
 * a formula by Excel or LibreOffice (CSV injection, OWASP); such a cell gets a leading apostrophe,
 * which spreadsheets show as text. Cells with a comma, quote or line break are quoted, quotes
 * doubled.
 */
final class Csv {
  private final StringBuilder out = new StringBuilder(64 * 1024);

  /** Appends one row, ended by CRLF. */
  Csv row(List<?> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(cell(cells.get(i)));
    }
    out.append("\r\n");
    return this;
  }

  static String cell(Object value) {
    String s = value == null ? "" : value.toString();
    if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
      s = "'" + s;
    }
    boolean quote = false;
    for (int i = 0; i < s.length() && !quote; i++) {
      char c = s.charAt(i);
      quote = c == ',' || c == '"' || c == '\n' || c == '\r';
    }
    return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
