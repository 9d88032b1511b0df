package org.webfilter.categoriser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every way of spelling a blocked URL differently must still reach the same list entry. */
class UrlNormaliserTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    // case and trailing dots
    "http://BLOCKED.Example/, blocked.example",
    "http://blocked.example./, blocked.example",
    "http://blocked.example../, blocked.example",
    // percent-encoded host characters
    "http://%62locked.example/, blocked.example",
    "http://blocked%2Eexample/, blocked.example",
    // userinfo is not the host; backslash ends the authority as in browsers
    "http://good.example@blocked.example/, blocked.example",
    "http://good.example:pw@blocked.example:8080/, blocked.example",
    "http://blocked.example\\@good.example/, blocked.example",
    // tabs and line breaks are dropped
    "'http://bloc\tked.exa\nmple/', blocked.example",
    // IDN: Unicode becomes punycode
    "http://bücher.example/, xn--bcher-kva.example",
    "http://BÜCHER.example/, xn--bcher-kva.example",
    "http://xn--bcher-kva.example/, xn--bcher-kva.example",
    "http://%C3%BCber.example/, xn--ber-goa.example",
    // IPv4 in decimal, octal, hex and short forms
    "http://2130706433/, 127.0.0.1",
    "http://0x7f.1/, 127.0.0.1",
    "http://017700000001/, 127.0.0.1",
    "http://0x7f000001/, 127.0.0.1",
    "http://127.1/, 127.0.0.1",
    "http://0177.0.0.01/, 127.0.0.1",
    "http://10.0x10.258/, 10.16.1.2",
    "http://192.168.0.1./, 192.168.0.1",
    // IPv6 literals in RFC 5952 form; IPv4-mapped ones as IPv4
    "http://[2001:DB8:0:0:0:0:0:1]/, 2001:db8::1",
    "http://[2001:0db8::0001]:8080/, 2001:db8::1",
    "http://[2001:db8:0:0:1:0:0:1]/, 2001:db8::1:0:0:1",
    "http://[::ffff:7f00:1]/, 127.0.0.1",
    "http://[::ffff:127.0.0.1]/, 127.0.0.1",
    "http://[::1]/, ::1",
  })
  void parse_host_normalised(String url, String host) {
    assertEquals(host, Target.parse(url).host());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "http://x.test/a//b///c, /a/b/c",
    "http://x.test/a/./b/../c, /a/c",
    "http://x.test/a/b/.., /a/",
    "http://x.test/../../etc, /etc",
    "http://x.test/%2e%2e/%2E/games, /games",
    "http://x.test/%67%61%6d%65%73/x, /games/x",
    "http://x.test/a%2fb, /a%2Fb",
    "http://x.test/a%2Fb, /a%2Fb",
    "http://x.test/sp%20ace, /sp%20ace",
    "http://x.test\\games\\x, /games/x",
    "http://x.test/a//b?u=//x/../y, /a/b?u=//x/../y",
    "http://x.test, /",
    "http://x.test?q=1, /?q=1",
  })
  void parse_path_normalised(String url, String path) {
    assertEquals(path, Target.parse(url).path());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "http://x.test/, 80",
    "http://x.test:80/, 80",
    "http://x.test:/, 80",
    "https://x.test/, 443",
    "https://x.test:/, 443",
    "https://x.test:0443/, 443",
    "http://x.test:8080/, 8080",
  })
  void parse_port_defaultAndExplicit(String url, int port) {
    assertEquals(port, Target.parse(url).port());
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "http://1.2.3.4.5/", "http://256.1.1.1/", "http://1.2.3.0x100/", "http://4294967296/",
    "http://1.2.3.09/", "http://[1::2::3]/", "http://[zz::1]/", "http://a b.test/", "http://a%20b.test/", "http://a%2fb.test/"
  })
  void parse_rejectsHostsBrowsersReject(String url) {
    assertThrows(IllegalArgumentException.class, () -> Target.parse(url));
  }

  @Test
  void constructor_normalisesToo_soEveryCallerBenefits() {
    assertEquals(new Target("127.0.0.1", 80, "/a/b"), new Target("0x7F.1", 80, "/a//./b"));
  }

  @Test
  void display_showsNormalisedForm() {
    assertEquals("http://127.0.0.1/a/b", Target.parse("http://2130706433//a/./b").display("http"));
  }

  @TempDir Path dir;

  @ParameterizedTest(name = "list {0}, request {1}")
  @CsvSource({
    "bücher.example, http://www.xn--bcher-kva.example/",
    "xn--bcher-kva.example, http://www.bücher.example/",
    "BÜCHER.EXAMPLE., http://%62%C3%BCcher.example/",
    "127.0.0.1, http://2130706433/",
    "2001:db8::1, http://[2001:DB8:0::1]/",
    "2001:0DB8:0:0::1, http://[2001:db8::1]/",
  })
  void lists_andRequests_meetInOneForm(String entry, String url) throws IOException {
    Path file = dir.resolve("domains");
    Files.write(file, List.of(entry));
    Categoriser.Builder b = Categoriser.builder();
    ListLoader.Report r = ListLoader.loadDomains(file, "blocked", b);
    assertTrue(r.problems().isEmpty(), r.problems().toString());
    assertEquals(List.of("blocked"), List.copyOf(b.build().categorise(Target.parse(url)).categories()));
  }

  @Test
  void requestTargets_hostHeaderMismatch_isRecorded_andBothHostsCategorised() throws IOException {
    Path file = dir.resolve("domains");
    Files.write(file, List.of("blocked.example"));
    Categoriser.Builder b = Categoriser.builder();
    ListLoader.loadDomains(file, "adult", b);
    Categoriser c = b.build();

    RequestTargets fronted = RequestTargets.of("http", "http://allowed.example/x", "Blocked.Example");
    assertTrue(fronted.mismatch());
    assertEquals(Optional.of(new Target("blocked.example", 80, "/x")), fronted.hostHeader());
    assertTrue(c.categorise(fronted.uri()).isEmpty());
    assertEquals(List.of("adult"), List.copyOf(c.categorise(fronted).categories()));
  }

  @ParameterizedTest
  @CsvSource({
    "http://a.example/x, a.example, false",
    "http://a.example/x, A.EXAMPLE.:80, false",
    "http://a.example/x, a.example:8080, true",
    "http://a.example/x, b.example, true",
    "/x, a.example, false",
  })
  void requestTargets_mismatch_onlyWhenHostOrPortDiffer(String target, String hostHeader, boolean mismatch) {
    RequestTargets t = RequestTargets.of("http", target, hostHeader);
    assertEquals(mismatch, t.mismatch());
    assertEquals("a.example", t.uri().host());
  }
}
