package org.webfilter.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A pupil's request, made from the block page, to have a blocked address reviewed by the ICT team
 * (topic {@link Topics#REVIEWS}). The proxy fills every field from its own record of the block: only
 * {@code pupilReason} comes from the pupil, so a request cannot claim another user or another rule.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION}
 * @param requestId derived from {@code ref} ({@link #idFor}): asking twice about one block, or a
 *     replay after an unclean stop, yields the same id, and consumers deduplicate by it
 * @param time when the pupil asked
 * @param ref the {@code eventId} of the blocked request (the reference on the block page)
 * @param user the signed-in user, or null when identified by network
 * @param role the policy role the block applied to
 * @param clientIp the pupil's device address
 * @param url the blocked address, as the block page showed it
 * @param category the category that blocked it (nullable)
 * @param rule the rule id that blocked it
 * @param blockReason the block's short reason
 * @param pupilReason why the pupil thinks it should be open (nullable, at most 500 characters)
 * @param proxyNode the proxy that took the request
 */
public record ReviewRequest(
    int schemaVersion,
    UUID requestId,
    Instant time,
    UUID ref,
    String user,
    String role,
    String clientIp,
    String url,
    String category,
    String rule,
    String blockReason,
    String pupilReason,
    String proxyNode) {

  public static final int SCHEMA_VERSION = 1;
  public static final int MAX_REASON = 500;

  public ReviewRequest {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(clientIp, "clientIp");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(rule, "rule");
    if (pupilReason != null && pupilReason.length() > MAX_REASON) {
      throw new IllegalArgumentException("pupilReason longer than " + MAX_REASON + " characters");
    }
  }

  /** The request id for a block reference: a name-based (v3) UUID, one per blocked request. */
  public static UUID idFor(UUID ref) {
    return UUID.nameUUIDFromBytes(("webfilter-review:" + ref).getBytes(StandardCharsets.UTF_8));
  }

  /** The Kafka record key: the user when known, else the device address (as for access events). */
  public String key() {
    return user != null ? user : clientIp;
  }
}
