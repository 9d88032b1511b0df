/**
 * A single-node Kafka broker (KRaft, broker and controller in one) running in this JVM: what {@code
 * webfilter run} uses when {@code kafka.bootstrap} is empty, and the real broker the tests talk to.
 */
package org.webfilter.kafka.embedded;
