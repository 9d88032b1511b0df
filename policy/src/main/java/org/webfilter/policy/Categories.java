package org.webfilter.policy;

import java.util.Set;

/**
 * The product's own category names (SPEC §2). Lists are mapped onto these by {@code
 * lists.category-map}; a role may block any of them, or any other name the category map produces.
 */
public final class Categories {
  /** Always blocked for every role; no allow entry can override it. */
  public static final String ILLEGAL = "illegal";

  public static final Set<String> PRODUCT =
      Set.of(
          ILLEGAL, "extremist", "hate", "adult", "webmail", "gambling", "drugs", "self-harm",
          "violence", "weapons", "malware", "phishing", "piracy", "proxy-avoidance", "social-networking",
          "dating", "chat", "games", "streaming", "shopping", "advertising", "filehosting", "hacking",
          "cheating", "ai", "lingerie", "sexual-education", "news", "sports", "education", "banking",
          "cryptocurrency", "url-shortener", "remote-control", "dynamic-dns", "fakenews", "sect");

  private Categories() {}
}
