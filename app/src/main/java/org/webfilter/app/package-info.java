/**
 * The command line ({@code ./webfilter run | proxy | ui | check | config validate | users add | lists
 * import}) and {@link org.webfilter.app.Webfilter}, the one method that wires the product together —
 * used by {@code run} and by the tests on port 0, so tests exercise the production wiring.
 */
package org.webfilter.app;
