/**
 * Turns a request target (host, port, path) into the categories it belongs to, with the list entry
 * that matched as evidence; finds search terms in search-engine URLs; and scores text against weighted
 * phrase lists. Knows nothing of roles or decisions: the policy module judges the result.
 *
 * <p>Lists are loaded by {@link org.webfilter.categoriser.ListLoader} (UT1 folders with domains, urls
 * and expressions; plain domain files; hosts files) into an immutable, compact {@link
 * org.webfilter.categoriser.Categoriser}; a reload builds a new one and swaps it, so lookups never lock.
 * Every {@link org.webfilter.categoriser.Target} is normalised on construction (case, IDN, IP forms,
 * paths) so that spelling a URL differently does not evade the lists; {@link
 * org.webfilter.categoriser.RequestTargets} covers a {@code Host} header that disagrees with the URI.
 * {@link org.webfilter.categoriser.SearchTerms} extracts searches; {@link
 * org.webfilter.categoriser.PhraseScorer} scores words per category.
 */
package org.webfilter.categoriser;
