/**
 * JMH benchmarks for the hot paths, on real list data from {@code ../shared/data}. Compiled by the build,
 * never run by it: see docs/benchmarks.md for the commands and the figures they gave.
 */
package org.webfilter.benchmarks;
