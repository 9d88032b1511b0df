package org.webfilter.policy;

/**
 * Who a request is judged as.
 *
 * @param user the logged-in user, or {@code null} when identified by network or default
 * @param role the policy role
 * @param via how the role was chosen, for the reason trace: {@code login}, {@code network 10.0.0.0/8},
 *     {@code default}
 */
public record Identity(String user, String role, String via) {}
