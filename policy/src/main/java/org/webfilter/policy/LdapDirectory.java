package org.webfilter.policy;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import com.unboundid.util.ssl.JVMDefaultTrustManager;
import com.unboundid.util.ssl.SSLUtil;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.policy.config.LdapSettings;
import org.webfilter.policy.config.LdapSettings.Bind;

/**
 * Proxy logins checked against an LDAP directory or Active Directory ({@code identity.ldap}).
 *
 * <p>One login is one short-lived connection (connect, bind, search, bind, read the groups, close), made
 * on a small pool of daemon threads of its own ({@value #THREADS} threads, {@value #QUEUE} waiting at
 * most): no connection pool outlives a policy reload, and nothing here runs on the caller's thread.
 * Every network step has {@code timeout-ms}, and the whole login must answer within it.
 *
 * <p>Results are remembered in Caffeine under a SHA-256 of name and password (never the password
 * itself): a right password for {@code cache.ttl-seconds}, a wrong one for at most {@link
 * #REJECTED_TTL} (long enough that a browser repeating a wrong password on every request does not hammer
 * the domain controller or lock the account, short enough that the cache does not fill with guesses),
 * and "directory down" not at all. Logins of the same name and password that arrive while one is being
 * checked share that check. After the directory fails to answer, logins fail fast as "down" for {@link
 * #DOWN_BACKOFF} instead of each waiting for the timeout.
 *
 * <p>User input never reaches the directory unescaped: in {@code user-filter} the name is escaped as RFC
 * 4515 requires, in a DN template as RFC 4514 requires; names with control characters, and in a user
 * principal template ({@code {user}@school.local}) names with characters Active Directory does not allow
 * in one, and names starting or ending with white space (which directories ignore), are rejected without
 * asking. An empty password is rejected too (LDAP would treat it as an
 * anonymous bind, which succeeds).
 */
final class LdapDirectory implements Directory {
  private static final Logger LOG = LoggerFactory.getLogger(LdapDirectory.class);

  static final Duration REJECTED_TTL = Duration.ofSeconds(30);
  static final Duration DOWN_BACKOFF = Duration.ofSeconds(5);
  static final int THREADS = 4;
  static final int QUEUE = 256;
  private static final int MAX_NAME = 256;
  /** Not allowed in an Active Directory user principal's name part (nor {@code @}, {@code ( )}). */
  private static final String NOT_IN_PRINCIPAL = "\"/\\[]:;|=,+*?<>@()";
  private static final AtomicInteger THREAD_IDS = new AtomicInteger();

  private static LdapDirectory shared;

  private final LdapSettings settings;
  private final List<Mapping> mappings;
  private final Ticker ticker;
  private final ThreadPoolExecutor executor;
  private final AsyncCache<String, Outcome> cache;
  private final String host;
  private final int port;
  private final boolean tls;
  private volatile long downUntil;

  private record Mapping(DN group, String text, String role) {}

  LdapDirectory(LdapSettings settings, Ticker ticker) {
    this.settings = settings;
    this.ticker = ticker;
    List<Mapping> m = new ArrayList<>();
    for (LdapSettings.GroupRole g : settings.groupRoles()) {
      try {
        m.add(new Mapping(new DN(g.group()), g.group(), g.role()));
      } catch (LDAPException e) {
        throw new IllegalArgumentException("identity.ldap.group-roles: not a DN: " + g.group(), e); // validated
      }
    }
    this.mappings = List.copyOf(m);
    URI u = URI.create(settings.url());
    this.tls = "ldaps".equalsIgnoreCase(u.getScheme());
    this.host = u.getHost();
    this.port = u.getPort() > 0 ? u.getPort() : tls ? 636 : 389;
    this.downUntil = ticker.read();
    this.executor =
        new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
          Thread t = new Thread(r, "webfilter-ldap-" + THREAD_IDS.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    executor.allowCoreThreadTimeOut(true); // a directory left behind by a reload costs no threads
    long okNanos = settings.cacheTtl().toNanos();
    long rejectedNanos = Math.min(okNanos, REJECTED_TTL.toNanos());
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(settings.cacheMaxEntries())
            .ticker(ticker)
            .expireAfter(new Expiry<String, Outcome>() {
              @Override
              public long expireAfterCreate(String key, Outcome o, long now) {
                return o instanceof Outcome.Authenticated ? okNanos : o instanceof Outcome.Rejected ? rejectedNanos : 0;
              }

              @Override
              public long expireAfterUpdate(String key, Outcome o, long now, long current) {
                return expireAfterCreate(key, o, now);
              }

              @Override
              public long expireAfterRead(String key, Outcome o, long now, long current) {
                return current;
              }
            })
            .buildAsync();
  }

  /**
   * The directory for {@code settings}: the one already made when the settings did not change, so a
   * policy reload keeps the remembered logins (and does not send every user back to the directory).
   */
  static synchronized LdapDirectory shared(LdapSettings settings) {
    if (shared == null || !shared.settings.equals(settings)) {
      shared = new LdapDirectory(settings, Ticker.systemTicker());
    }
    return shared;
  }

  /** Forgets the shared directory (tests: two directory servers may come to listen on the same port). */
  static synchronized void forgetShared() {
    shared = null;
  }

  @Override
  public CompletableFuture<Outcome> authenticate(String user, String password) {
    String problem = nameProblem(user);
    if (problem != null || password == null || password.isEmpty()) {
      return CompletableFuture.completedFuture(
          new Outcome.Rejected(problem != null ? problem : "empty password"));
    }
    return cache.get(sha256(user + '\0' + password), (key, ignored) -> start(user, password));
  }

  private CompletableFuture<Outcome> start(String user, String password) {
    if (ticker.read() - downUntil < 0) {
      return CompletableFuture.completedFuture(new Outcome.Down("did not answer a moment ago"));
    }
    CompletableFuture<Outcome> f = new CompletableFuture<>();
    try {
      executor.execute(() -> f.complete(lookup(user, password)));
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(new Outcome.Down("too many logins waiting for the directory"));
    }
    long ms = settings.timeout().toMillis();
    return f.completeOnTimeout(new Outcome.Down("no answer within " + ms + " ms"), ms, TimeUnit.MILLISECONDS);
  }

  /** Why {@code user} is not sent to the directory at all, or {@code null}. */
  String nameProblem(String user) {
    if (user == null || user.isEmpty() || user.length() > MAX_NAME) {
      return "user name empty or longer than " + MAX_NAME;
    }
    if (!user.strip().equals(user)) { // directories ignore it, so " alice" would log in as alice
      return "user name starts or ends with white space";
    }
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      if (Character.isISOControl(c)) {
        return "control character in user name";
      }
      if (settings.bind() == Bind.DIRECT && !settings.userDnIsDn() && NOT_IN_PRINCIPAL.indexOf(c) >= 0) {
        return "'" + c + "' in a user principal name";
      }
    }
    return null;
  }

  /** One round trip to the directory. Blocks up to a few times {@code timeout-ms}; never throws. */
  Outcome lookup(String user, String password) {
    try (LDAPConnection c = connect()) {
      SearchResultEntry entry;
      if (settings.bind() == Bind.SEARCH) {
        try {
          c.bind(new SimpleBindRequest(settings.bindDn(), settings.bindPassword()));
        } catch (LDAPException e) {
          if (isDown(e)) {
            throw e;
          }
          LOG.error("identity.ldap: the service account {} cannot log in: {}", settings.bindDn(), e.getResultCode());
          return new Outcome.Down("service account cannot log in: " + e.getResultCode());
        }
        List<SearchResultEntry> found = find(c, user);
        if (found.size() != 1) {
          return new Outcome.Rejected(found.isEmpty() ? "no such user" : "user-filter matches several entries");
        }
        entry = found.get(0);
        Outcome wrong = bindAs(c, entry.getDN(), password);
        if (wrong != null) {
          return wrong;
        }
      } else if (settings.userDnIsDn()) {
        String dn = settings.userDn().replace(LdapSettings.USER, escapeDnValue(user));
        Outcome wrong = bindAs(c, dn, password);
        if (wrong != null) {
          return wrong;
        }
        entry = c.getEntry(dn, settings.groupAttribute());
      } else {
        Outcome wrong = bindAs(c, settings.userDn().replace(LdapSettings.USER, user), password);
        if (wrong != null) {
          return wrong;
        }
        List<SearchResultEntry> found = find(c, user); // as the user: AD lets users read their own entry
        entry = found.size() == 1 ? found.get(0) : null;
      }
      return role(user, entry);
    } catch (LDAPException e) {
      if (isDown(e)) {
        downUntil = ticker.read() + DOWN_BACKOFF.toNanos();
        LOG.warn("identity.ldap: {} did not answer: {}", settings.url(), e.getMessage());
        return new Outcome.Down(e.getResultCode().toString());
      }
      LOG.warn("identity.ldap: login of '{}' refused: {}", user, e.getMessage());
      return new Outcome.Rejected("directory answered " + e.getResultCode());
    } catch (RuntimeException e) { // fail closed
      LOG.error("identity.ldap: login of '{}' failed", user, e);
      return new Outcome.Rejected("internal error");
    }
  }

  private Outcome role(String user, SearchResultEntry entry) {
    List<DN> groups = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    if (entry != null && entry.getAttributeValues(settings.groupAttribute()) != null) {
      for (String g : entry.getAttributeValues(settings.groupAttribute())) {
        try {
          groups.add(new DN(g));
        } catch (LDAPException e) {
          texts.add(g.toLowerCase(Locale.ROOT));
        }
      }
    }
    for (Mapping m : mappings) { // first matching mapping wins
      if (groups.contains(m.group()) || texts.contains(m.text().toLowerCase(Locale.ROOT))) {
        return new Outcome.Authenticated(user, m.role(), "ldap group " + m.text());
      }
    }
    if (settings.defaultRoleWhenNoGroup() != null) {
      return new Outcome.Authenticated(user, settings.defaultRoleWhenNoGroup(), "ldap (in no mapped group)");
    }
    return new Outcome.Rejected("in no mapped group");
  }

  /** The user's entries under base-dn (two at most: more than one is refused anyway). */
  private List<SearchResultEntry> find(LDAPConnection c, String user) throws LDAPException {
    Filter filter = Filter.create(settings.userFilter().replace(LdapSettings.USER, Filter.encodeValue(user)));
    SearchRequest r = new SearchRequest(settings.baseDn(), SearchScope.SUB, filter, settings.groupAttribute());
    r.setSizeLimit(2);
    r.setTimeLimitSeconds((int) Math.max(1, settings.timeout().toSeconds()));
    try {
      return c.search(r).getSearchEntries();
    } catch (LDAPSearchException e) {
      if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
        return e.getSearchEntries();
      }
      throw e;
    }
  }

  /** {@code null} when the password is right, else why not. */
  private static Outcome bindAs(LDAPConnection c, String name, String password) throws LDAPException {
    try {
      c.bind(new SimpleBindRequest(name, password));
      return null;
    } catch (LDAPException e) {
      if (e.getResultCode() == ResultCode.INVALID_CREDENTIALS) {
        return new Outcome.Rejected("wrong password or unknown user");
      }
      throw e;
    }
  }

  private LDAPConnection connect() throws LDAPException {
    LDAPConnectionOptions o = new LDAPConnectionOptions();
    int ms = (int) settings.timeout().toMillis();
    o.setConnectTimeoutMillis(ms);
    o.setResponseTimeoutMillis(ms);
    o.setBindWithDNRequiresPassword(true);
    o.setFollowReferrals(false);
    if (!tls) {
      return new LDAPConnection(o, host, port);
    }
    o.setSSLSocketVerifier(new HostNameSSLSocketVerifier(true));
    try {
      SSLUtil ssl = new SSLUtil(JVMDefaultTrustManager.getInstance());
      return new LDAPConnection(ssl.createSSLSocketFactory(), o, host, port);
    } catch (GeneralSecurityException e) {
      throw new LDAPException(ResultCode.LOCAL_ERROR, "cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** The directory did not answer (rather than answering no). */
  private static boolean isDown(LDAPException e) {
    ResultCode rc = e.getResultCode();
    return !rc.isConnectionUsable() || rc == ResultCode.BUSY || rc == ResultCode.UNAVAILABLE
        || rc == ResultCode.TIMEOUT || rc == ResultCode.CONNECT_ERROR || rc == ResultCode.SERVER_DOWN;
  }

  /** {@code value} escaped for use as an attribute value in a DN (RFC 4514 §2.4). */
  static String escapeDnValue(String value) {
    StringBuilder b = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0) {
        b.append("\\00");
        continue;
      }
      boolean special = "\\\"+,;<>=".indexOf(c) >= 0
          || (i == 0 && (c == ' ' || c == '#'))
          || (i == value.length() - 1 && c == ' ');
      if (special) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
