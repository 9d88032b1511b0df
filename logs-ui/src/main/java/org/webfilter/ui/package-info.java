/**
 * The logs UI: consumes access events from Kafka into a Lucene index under the data directory, and
 * serves the search page and JSON API that the designated safeguarding lead (DSL) and admins use to
 * review them. {@link org.webfilter.ui.LogsUi} is the only public type; the store, the ingestor,
 * authentication, sessions, the audit log and the HTML views are package-private.
 */
package org.webfilter.ui;
