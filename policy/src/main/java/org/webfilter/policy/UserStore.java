package org.webfilter.policy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * The users who can log in (proxy and UI), kept in a YAML file ({@code users-file}, by default {@code
 * <data-dir>/users.yaml}) that {@code webfilter users add} and the UI write. Thread-safe.
 *
 * <p>bcrypt is deliberately slow (about 50-100 ms at cost 10), and proxy logins are checked on every
 * request, so a successful check is remembered for a few minutes under a SHA-256 of name, password and
 * hash; a changed password or hash therefore never matches a stale entry.
 */
public final class UserStore {
  private static final int BCRYPT_COST = 10;
  private static final String UNKNOWN_USER_HASH =
      BCrypt.withDefaults().hashToString(BCRYPT_COST, "no such user".toCharArray());

  private final Path file;
  private volatile Map<String, User> users;
  private final Cache<String, Boolean> verified =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)).build();

  private UserStore(Path file, Map<String, User> users) {
    this.file = file;
    this.users = users;
  }

  /**
   * Opens the users file, or an empty store when it does not exist yet (it is created on first add).
   *
   * @throws IllegalArgumentException naming the file and entry when the file is malformed
   */
  public static UserStore open(Path file) {
    return new UserStore(file, Files.exists(file) ? read(file) : new LinkedHashMap<>());
  }

  /** A store that lives only in memory (tests, {@code check}). */
  public static UserStore inMemory(List<User> users) {
    Map<String, User> m = new LinkedHashMap<>();
    users.forEach(u -> m.put(u.name(), u));
    return new UserStore(null, m);
  }

  public Optional<User> find(String name) {
    return Optional.ofNullable(users.get(name));
  }

  public List<User> all() {
    return List.copyOf(users.values());
  }

  public boolean isEmpty() {
    return users.isEmpty();
  }

  /**
   * Whether this name and password were verified recently, so {@link #authenticate} answers without
   * running bcrypt (cheap: a SHA-256 and a cache lookup).
   */
  public boolean remembers(String name, String password) {
    User u = users.get(name);
    return u != null && password != null
        && verified.getIfPresent(sha256(name + '\0' + password + '\0' + u.passwordHash())) != null;
  }

  /** The user when the password is right, else empty. Never says which part was wrong. */
  public Optional<User> authenticate(String name, String password) {
    User u = users.get(name);
    if (password == null) {
      return Optional.empty();
    }
    if (u == null) {
      // Same work as for a real user, so the answer time does not tell which user names exist.
      BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8), UNKNOWN_USER_HASH.getBytes(StandardCharsets.UTF_8));
      return Optional.empty();
    }
    String key = sha256(name + '\0' + password + '\0' + u.passwordHash());
    if (verified.getIfPresent(key) != null) {
      return Optional.of(u);
    }
    boolean ok =
        BCrypt.verifyer()
            .verify(password.getBytes(StandardCharsets.UTF_8), u.passwordHash().getBytes(StandardCharsets.UTF_8))
            .verified;
    if (ok) {
      verified.put(key, Boolean.TRUE);
    }
    return ok ? Optional.of(u) : Optional.empty();
  }

  /** Adds or replaces a user and writes the file atomically. */
  public synchronized void put(User user) {
    Map<String, User> next = new LinkedHashMap<>(users);
    next.put(user.name(), user);
    if (file != null) {
      write(file, next);
    }
    users = next;
  }

  public static String hash(String password) {
    return BCrypt.withDefaults().hashToString(BCRYPT_COST, password.toCharArray());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, User> read(Path file) {
    Object root;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(file + ": not valid YAML: " + e.getMessage(), e);
    }
    Map<String, User> out = new LinkedHashMap<>();
    if (root == null) {
      return out;
    }
    if (!(root instanceof Map<?, ?> m) || !(m.get("users") instanceof List<?> list)) {
      throw new IllegalArgumentException(file + ": expected a top-level 'users:' list");
    }
    int i = 0;
    for (Object o : list) {
      String where = file + ": users[" + i++ + "]";
      if (!(o instanceof Map<?, ?> entry)) {
        throw new IllegalArgumentException(where + ": expected a mapping");
      }
      String name = string(entry, "name", where);
      String role = string(entry, "role", where);
      String hash = string(entry, "password", where);
      if (!hash.startsWith("$2")) {
        throw new IllegalArgumentException(where + ".password: not a bcrypt hash");
      }
      TreeSet<UiRole> uiRoles = new TreeSet<>();
      Object ui = entry.get("ui-roles");
      if (ui instanceof List<?> l) {
        for (Object r : l) {
          try {
            uiRoles.add(UiRole.parse(String.valueOf(r)));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ".ui-roles: " + e.getMessage());
          }
        }
      } else if (ui != null) {
        throw new IllegalArgumentException(where + ".ui-roles: expected a list");
      }
      out.put(name, new User(name, role, uiRoles, hash));
    }
    return out;
  }

  private static String string(Map<?, ?> entry, String key, String where) {
    Object v = entry.get(key);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException(where + "." + key + ": missing");
    }
    return s;
  }

  private static void write(Path file, Map<String, User> users) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (User u : users.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", u.name());
      m.put("role", u.role());
      m.put("ui-roles", u.uiRoles().stream().map(UiRole::id).sorted().toList());
      m.put("password", u.passwordHash());
      list.add(m);
    }
    DumperOptions opts = new DumperOptions();
    opts.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    Yaml yaml = new Yaml(new Representer(opts), opts);
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".users", ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        w.write("# webfilter users: edit with `webfilter users add` or the UI. Passwords are bcrypt hashes.\n");
        yaml.dump(Map.of("users", list), w);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
