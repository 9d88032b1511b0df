package org.webfilter.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DestinationGuardTest {
  private final DestinationGuard guard =
      new DestinationGuard(Map.of("intranet.test", "10.1.2.3"), Set.of());

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "127.0.0.2",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "100.64.0.1",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "fe80::1",
        "fd00::1",
        "::"
      })
  void internalLiterals_areRefused(String ip) throws Exception {
    assertTrue(guard.refusesLiteral(ip), ip);
    assertFalse(guard.isAllowed(InetAddress.getByName(ip)), ip);
    assertThrows(UnknownHostException.class, () -> guard.resolve(ip, 80));
  }

  @ParameterizedTest
  @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "2606:4700::1111"})
  void publicLiterals_areAllowedWithoutLookup(String ip) throws Exception {
    assertFalse(guard.refusesLiteral(ip));
    assertEquals(InetAddress.getByName(ip), guard.resolve(ip, 443).getAddress());
  }

  @Test
  void resolveOverride_mayBeInternal() throws Exception {
    assertEquals(
        InetAddress.getByName("10.1.2.3"), guard.resolve("Intranet.Test.", 80).getAddress());
    assertFalse(guard.refusesLiteral("intranet.test"));
  }

  @Test
  void namesThatResolveToLoopback_areRefused() {
    assertThrows(UnknownHostException.class, () -> guard.resolve("localhost", 80));
  }

  @Test
  void obscureIpv4Spellings_areStillChecked() {
    // 2130706433 is 127.0.0.1 as one number; the JDK parses it without DNS
    assertThrows(UnknownHostException.class, () -> guard.resolve("2130706433", 80));
  }

  @Test
  void ownAddresses_areRefused() throws Exception {
    InetAddress mine = InetAddress.getByName("203.0.113.7");
    DestinationGuard g = new DestinationGuard(Map.of(), Set.of(mine));
    assertFalse(g.isAllowed(mine));
    assertTrue(g.refusesLiteral("203.0.113.7"));
  }

  @Test
  void overrideThatIsNoIp_isRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new DestinationGuard(Map.of("a.test", "b.test"), Set.of()));
  }
}
