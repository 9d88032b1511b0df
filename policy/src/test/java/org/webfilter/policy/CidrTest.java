package org.webfilter.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

  @ParameterizedTest
  @CsvSource({
    "10.0.0.0/8, 10.255.1.2, true",
    "10.0.0.0/8, 11.0.0.1, false",
    "192.168.1.0/24, 192.168.1.77, true",
    "192.168.1.0/24, 192.168.2.1, false",
    "172.16.0.0/12, 172.31.255.255, true",
    "172.16.0.0/12, 172.32.0.1, false",
    "10.1.2.3, 10.1.2.3, true",
    "10.1.2.3/32, 10.1.2.4, false",
    "0.0.0.0/0, 8.8.8.8, true",
    "::1/128, ::1, true",
    "fc00::/7, fd12:3456::1, true",
    "fc00::/7, fe80::1, false",
    "10.0.0.0/8, ::1, false"
  })
  void contains(String cidr, String address, boolean expected) throws Exception {
    assertEquals(expected, Cidr.parse(cidr).contains(InetAddress.getByName(address)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "10.0.0/8x", "school.example/24", "", "::1/129", "10.0.0.0/-1"})
  void parse_rejectsBadNetworks(String text) {
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
  }
}
