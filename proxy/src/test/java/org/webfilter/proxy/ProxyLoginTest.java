package org.webfilter.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.webfilter.policy.Credentials;

class ProxyLoginTest {
  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void noHeader_isNone() {
    assertInstanceOf(ProxyLogin.None.class, ProxyLogin.parse(null));
  }

  @Test
  void basic_givesUserAndPassword_passwordMayContainColons() {
    ProxyLogin.Offer o = ProxyLogin.parse("basic " + b64("alice:p:ss wörd"));
    assertEquals(new ProxyLogin.Offered(new Credentials("alice", "p:ss wörd")), o);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"Negotiate abc", "Basic", "Basic !!!", "Basic bm9jb2xvbg==", "Basic OnB3"})
  void unreadableHeaders_areMalformed(String header) {
    assertInstanceOf(ProxyLogin.Malformed.class, ProxyLogin.parse(header));
  }
}
