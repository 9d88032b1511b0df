package org.webfilter.categoriser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TargetTest {

  @Test
  void parse_absoluteUrl_dropsUserinfoFragmentAndDefaultsPort() {
    Target t = Target.parse("http://good.test@Blocked.TEST./a/b?q=1#frag");
    assertEquals(new Target("blocked.test", 80, "/a/b?q=1"), t);
    assertEquals("http://blocked.test/a/b?q=1", t.display("http"));
  }

  @Test
  void parse_httpsWithPort_andBareHost() {
    assertEquals(new Target("x.test", 8443, "/"), Target.parse("https://x.test:8443"));
    assertEquals(new Target("x.test", 80, ""), Target.parse("x.test"));
  }

  @Test
  void ofConnect_readsHostAndPort_includingIpv6() {
    assertEquals(new Target("mail.test", 443, ""), Target.ofConnect("mail.test:443"));
    assertEquals(new Target("2001:db8::1", 443, ""), Target.ofConnect("[2001:db8::1]:443"));
    assertEquals("mail.test:443", Target.ofConnect("mail.test:443").display("https"));
  }

  @Test
  void parse_rejectsBadInput_withAMessage() {
    assertThrows(IllegalArgumentException.class, () -> Target.parse("ftp://x.test/"));
    assertThrows(IllegalArgumentException.class, () -> Target.parse("http://x.test:99999/"));
    assertThrows(IllegalArgumentException.class, () -> Target.parse("http://:80/"));
  }
}
