package org.webfilter.categoriser;

/**
 * A search found in a URL.
 *
 * @param engine the engine's name, e.g. {@code google}
 * @param terms the decoded search text, white space collapsed
 * @param suggest whether the URL is an autocomplete/suggest request (sent per keystroke, so the log
 *     should show the search once typing ends, not "c, ca, cat")
 */
public record SearchQuery(String engine, String terms, boolean suggest) {}
