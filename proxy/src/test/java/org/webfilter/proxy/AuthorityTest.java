package org.webfilter.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The authority check gives the same answers as the regular expression it replaced. */
class AuthorityTest {
  private static final Pattern REFERENCE =
      Pattern.compile(
          "(?:[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*\\.?|\\[[0-9A-Fa-f:.]{2,45}\\])(?::[0-9]{1,5})?");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "example.com", "example.com.", "a", "a:1", "a.b:65535", "x_y-z.test:8080", "[::1]",
        "[::1]:443", "[2001:db8::1]", "[1.2.3.4]", "10.0.0.1:80", "", ".", "a..b", ".a", "a:",
        "a:123456", "a:8o", "user@host", "host name", "h%41", "[]", "[:]", "[::1", "::1", "[::1]x",
        "[::1]:", "[g::1]", "a.:80", "a..", "é.test", ":80"
      })
  void knownCases(String s) {
    assertEquals(REFERENCE.matcher(s).matches(), Authority.isValid(s), s);
  }

  @Test
  void randomStrings_sameAnswerAsTheRegex() {
    Random rnd = new Random(42);
    String alphabet = "ab_-.:[]09fF xZ@%/";
    for (int i = 0; i < 200_000; i++) {
      StringBuilder b = new StringBuilder();
      int len = rnd.nextInt(12);
      if (rnd.nextInt(4) == 0) {
        b.append('[');
      }
      for (int k = 0; k < len; k++) {
        b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      String s = b.toString();
      assertEquals(REFERENCE.matcher(s).matches(), Authority.isValid(s), s);
    }
  }

  @Test
  void longIpv6Literal_limitsAsTheRegex() {
    for (int n = 0; n < 50; n++) {
      String s = "[" + ":".repeat(n) + "]";
      assertEquals(REFERENCE.matcher(s).matches(), Authority.isValid(s), s);
    }
  }
}
