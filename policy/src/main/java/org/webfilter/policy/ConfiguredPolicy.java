package org.webfilter.policy;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.webfilter.categoriser.Categorisation;
import org.webfilter.categoriser.Categoriser;
import org.webfilter.categoriser.Evidence;
import org.webfilter.categoriser.PhraseScorer;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.config.IdentitySettings.NetworkRole;
import org.webfilter.policy.config.IdentitySettings;
import org.webfilter.policy.config.LdapSettings;
import org.webfilter.policy.config.RoleSettings;

/** The policy built from a validated configuration and loaded lists. Immutable apart from the user store. */
final class ConfiguredPolicy implements Policy {
  private final Categoriser lists;
  private final Map<String, CompiledRole> roles;
  private final List<NetworkRole> networksMostSpecificFirst;
  /** The identification of a client in each of {@link #networksMostSpecificFirst}, made once. */
  private final Identification[] byNetwork;
  private final Identification byDefault;
  private final IdentitySettings identity;
  private final UserStore users;
  private final PhraseScorer phrases;
  /** Logins not in the users file are checked here; {@code null} without {@code identity.ldap}. */
  private final Directory directory;

  ConfiguredPolicy(
      Categoriser lists,
      Map<String, CompiledRole> roles,
      IdentitySettings identity,
      UserStore users,
      PhraseScorer phrases) {
    this(lists, roles, identity, users, phrases,
        identity.ldap() == null ? null : LdapDirectory.shared(identity.ldap()));
  }

  ConfiguredPolicy(
      Categoriser lists,
      Map<String, CompiledRole> roles,
      IdentitySettings identity,
      UserStore users,
      PhraseScorer phrases,
      Directory directory) {
    this.directory = directory;
    this.lists = lists;
    this.phrases = phrases;
    this.roles = Map.copyOf(roles);
    this.identity = identity;
    this.users = users;
    this.networksMostSpecificFirst =
        identity.networks().stream()
            .sorted(Comparator.comparingInt((NetworkRole n) -> n.network().prefixLength()).reversed())
            .toList();
    this.byNetwork = networksMostSpecificFirst.stream()
        .map(n -> new Identification.Identified(new Identity(null, n.role(), "network " + n.network())))
        .toArray(Identification[]::new);
    this.byDefault = new Identification.Identified(new Identity(null, identity.defaultRole(), "default"));
  }

  /**
   * {@inheritDoc}
   *
   * <p>A login that is not in the users file, with {@code identity.ldap} configured, is checked against
   * the directory: unless remembered, this blocks for up to {@code identity.ldap.timeout-ms}, so it must
   * not be called on an event loop; use {@link #identifyAsync} there.
   */
  @Override
  public Identification identify(InetAddress client, Credentials credentials) {
    if (credentials != null && inDirectory(credentials)) {
      return identifyAsync(client, credentials).join(); // bounded: the directory completes within timeout-ms
    }
    if (credentials != null) {
      Optional<User> user = users.authenticate(credentials.user(), credentials.password());
      if (user.isEmpty() || !roles.containsKey(user.get().role())) {
        return new Identification.LoginFailed(credentials.user());
      }
      return new Identification.Identified(new Identity(user.get().name(), user.get().role(), "login"));
    }
    byte[] address = client.getAddress();
    for (Cidr c : identity.loginRequired()) {
      if (c.contains(address)) {
        return new Identification.LoginRequired();
      }
    }
    for (int i = 0; i < byNetwork.length; i++) {
      if (networksMostSpecificFirst.get(i).network().contains(address)) {
        return byNetwork[i];
      }
    }
    return byDefault;
  }

  /**
   * Complete at once, except for a login not verified recently: a users-file password is checked with
   * bcrypt (tens of milliseconds, on purpose) on {@link #LOGIN_CHECKS}, and a directory login on the
   * directory's own threads within {@code identity.ldap.timeout-ms}. So a caller on an event loop never
   * waits for either.
   */
  @Override
  public CompletableFuture<Identification> identifyAsync(InetAddress client, Credentials credentials) {
    if (credentials == null || (!inDirectory(credentials) && users.remembers(credentials.user(), credentials.password()))) {
      return CompletableFuture.completedFuture(identify(client, credentials));
    }
    if (!inDirectory(credentials)) {
      return CompletableFuture.supplyAsync(() -> identify(client, credentials), LOGIN_CHECKS);
    }
    String user = credentials.user();
    return directory.authenticate(user, credentials.password()).thenApply(o -> fromDirectory(user, o));
  }

  /** Where users-file passwords are checked with bcrypt, off the callers' threads. */
  private static final java.util.concurrent.ExecutorService LOGIN_CHECKS =
      java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "webfilter-login-check");
        t.setDaemon(true);
        return t;
      });

  /** Local users first: a name in the users file is never looked up in the directory. */
  private boolean inDirectory(Credentials credentials) {
    return directory != null && users.find(credentials.user()).isEmpty();
  }

  private Identification fromDirectory(String user, Directory.Outcome o) {
    if (o instanceof Directory.Outcome.Authenticated a && roles.containsKey(a.role())) {
      return new Identification.Identified(new Identity(a.user(), a.role(), a.via()));
    }
    if (o instanceof Directory.Outcome.Down && identity.ldap().whenDown() == LdapSettings.WhenDown.DEFAULT_ROLE) {
      // the name is not verified, so it is not recorded as the user
      return new Identification.Identified(
          new Identity(null, identity.defaultRole(), "default (directory unreachable, login not checked)"));
    }
    return new Identification.LoginFailed(user);
  }

  @Override
  public List<String> roleNames() {
    return roles.keySet().stream().sorted().toList();
  }

  @Override
  public boolean hasRole(String role) {
    return roles.containsKey(role);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The decision is made without its reason trace; the trace is written when first read, by
   * making the same decision again from the same categorisation with every step noted (see {@link
   * #decide(String, CompiledRole, Target, Instant, Categorisation, PhraseScorer, List, LazyTrace)}).
   * What the trace is written from holds neither this policy nor its lists, so a decision kept for a
   * long tunnel does not keep a replaced policy's lists in memory.
   */
  @Override
  public Decision decide(String role, Target target, Instant at) {
    Categorisation found = lists.categorise(target);
    CompiledRole r = roles.get(role);
    PhraseScorer p = phrases;
    LazyTrace lazy = new LazyTrace(() -> {
      List<String> trace = new ArrayList<>();
      decide(role, r, target, at, found, p, trace, null);
      return trace;
    });
    return decide(role, r, target, at, found, p, null, lazy);
  }

  /**
   * SPEC §2 for one request. With {@code trace} non-null every step is noted in it and the decision
   * carries it; with {@code trace} null nothing is noted and the decision carries {@code lazy}. Both
   * ways take the same steps to the same decision.
   */
  static Decision decide(
      String role, CompiledRole r, Target target, Instant at, Categorisation found, PhraseScorer phrases,
      List<String> trace, LazyTrace lazy) {
    Set<String> categories = categoriesOf(found);
    List<String> decisionTrace = trace != null ? trace : lazy;
    if (trace != null) {
      for (Evidence e : found.evidence()) {
        trace.add("category " + e.category() + ": " + describe(e));
      }
    }
    if (r == null) { // fail closed: an unknown role must never browse unfiltered
      if (trace != null) {
        trace.add("role '" + role + "' is not defined: blocked: decided");
      }
      return new Decision(Verdict.BLOCK, "policy.unknown-role", "unknown role " + role, "policy", categories,
          decisionTrace);
    }
    if (categories.contains(Categories.ILLEGAL)) {
      if (trace != null) {
        trace.add("1. in the illegal category: always blocked for every role; no allow entry can override it: decided");
      }
      return new Decision(Verdict.BLOCK, "illegal", "illegal content is always blocked",
          Categories.ILLEGAL, categories, decisionTrace);
    }
    if (trace != null) {
      trace.add("1. not in the illegal category");
    }
    return r.decide(target, categories, at, trace, decisionTrace, phrases);
  }

  /**
   * {@link Categorisation#categories()}, without building a set for the usual cases: no evidence,
   * or evidence of one category only.
   */
  private static Set<String> categoriesOf(Categorisation found) {
    List<Evidence> evidence = found.evidence();
    if (evidence.isEmpty()) {
      return Set.of();
    }
    String first = evidence.get(0).category();
    for (int i = 1; i < evidence.size(); i++) {
      if (!evidence.get(i).category().equals(first)) {
        return found.categories();
      }
    }
    return Set.of(first);
  }

  @Override
  public Optional<RoleSettings> role(String name) {
    CompiledRole r = roles.get(name);
    return r == null ? Optional.empty() : Optional.of(r.settings());
  }

  private static String describe(Evidence e) {
    String kind =
        switch (e.kind()) {
          case URL -> "URL prefix ";
          case DOMAIN -> "domain ";
          case REGEX -> "expression ";
        };
    return kind + e.entry() + " (" + e.source() + ")";
  }

  @Override
  public java.util.Map<String, Integer> phraseScores(String text) {
    return phrases.score(text).byCategory();
  }

  @Override
  public Optional<org.webfilter.categoriser.HostCacheStats> hostCacheStats() {
    return Optional.of(lists.hostCacheStats());
  }
}
