package org.webfilter.categoriser;

/**
 * One weighted phrase (or combination) found in a text.
 *
 * @param category the list's category
 * @param phrase the phrase as written in the list, e.g. {@code <free>,<porn>}
 * @param weight its weight (negative for a phrase that makes a text less likely to be in the category)
 * @param source {@code file:line} of the phrase
 */
public record PhraseMatch(String category, String phrase, int weight, String source) {}
