package org.webfilter.policy.config;

import java.nio.file.Path;
import java.util.Locale;

/**
 * One list file or folder under {@code lists.sources}, loaded under one product category.
 *
 * @param path the file (plain, hosts) or UT1 category folder (ut1), resolved against the configuration
 * @param format how the lines are written
 * @param category the product category every entry is put in
 * @param where {@code file:line} of the configuration entry, for errors
 * @param key the dotted key, e.g. {@code lists.sources[2]}
 */
public record ListSource(Path path, Format format, String category, String where, String key) {

  /** The list formats a source can have. */
  public enum Format {
    /** A UT1 category folder: {@code domains}, {@code urls} and/or {@code expressions} files. */
    UT1,
    /** A hosts file: {@code 0.0.0.0 domain [domain...]}; the address is ignored. */
    HOSTS,
    /** One domain per line. */
    PLAIN;

    /** The name written in the configuration. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
