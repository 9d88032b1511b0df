/**
 * Turns a request target (host, port, path) into the categories it belongs to, with the list entry
 * that matched as evidence. Knows nothing of roles or decisions: the policy module judges the result.
 * Lists are loaded by {@link org.webfilter.categoriser.ListLoader} (UT1 layout and plain domain files)
 * into an immutable {@link org.webfilter.categoriser.Categoriser}; a reload builds a new one and swaps
 * it, so lookups never lock.
 */
package org.webfilter.categoriser;
