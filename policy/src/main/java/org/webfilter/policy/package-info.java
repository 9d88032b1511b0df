/**
 * Who is asking and what they may reach. {@link org.webfilter.policy.Policy} identifies a client
 * (proxy login from the users file or an LDAP / Active Directory directory, network, default role; {@link
 * org.webfilter.policy.Policy#identifyAsync} for callers on an event loop) and decides a request for a role, returning a {@link
 * org.webfilter.policy.Decision} with a rule id and a reason trace. The precedence (SPEC §2) is:
 * {@code illegal} first; then the role's explicit allow/block entries, most specific wins; then the
 * role's blocked categories; then allow.
 */
package org.webfilter.policy;
