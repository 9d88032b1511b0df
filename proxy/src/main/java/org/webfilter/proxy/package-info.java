/**
 * The filtering proxy: a Netty server that identifies each client, asks the {@link
 * org.webfilter.policy.Policy} for a decision once per request, answers blocks itself (block page,
 * {@code X-Webfilter-Block} header, 407 login challenge) and relays everything else, and reports
 * one {@link org.webfilter.events.AccessEvent} per request to an {@link
 * org.webfilter.proxy.EventSink} (Kafka in production). The public surface is {@link
 * org.webfilter.proxy.ProxyServer}, {@link org.webfilter.proxy.EventSink} and {@link
 * org.webfilter.proxy.KafkaEventPublisher}; Netty types never leave this package.
 * CONNECT tunnels are run by {@code Tunnel}, which decides on the TLS server name and, for roles
 * with TLS interception ({@link org.webfilter.proxy.TlsInterception}), decrypts them with
 * certificates from the school CA ({@code SchoolCa}, {@code Interception}, {@code Interceptor}).
 */
package org.webfilter.proxy;
