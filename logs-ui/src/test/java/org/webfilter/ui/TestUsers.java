package org.webfilter.ui;

import java.util.List;
import java.util.Set;
import org.webfilter.policy.UiRole;
import org.webfilter.policy.User;
import org.webfilter.policy.UserStore;

/** UI users for tests, all with {@link #PASSWORD}; bcrypt runs once per JVM (it costs ~80 ms). */
final class TestUsers {
  static final String PASSWORD = "correct horse battery";
  private static String hash;

  private TestUsers() {}

  static synchronized UserStore store() {
    if (hash == null) {
      hash = UserStore.hash(PASSWORD);
    }
    return UserStore.inMemory(
        List.of(
            new User("dsl", "staff", Set.of(UiRole.DSL), hash),
            new User("ict", "staff", Set.of(UiRole.ICT), hash),
            new User("admin", "staff", Set.of(UiRole.ADMIN), hash),
            new User("pupil", "pupil", Set.of(), hash)));
  }
}
