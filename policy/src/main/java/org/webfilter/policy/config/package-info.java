/**
 * The configuration model ({@code conf/webfilter.yaml}) and its loader. {@link
 * org.webfilter.policy.config.ConfigLoader} validates the whole file at once and reports every problem
 * with file, line and key; a configuration with any error is never used.
 */
package org.webfilter.policy.config;
