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

  /** The allocation-free comparison agrees with a bit-by-bit prefix comparison, for every prefix length. */
  @org.junit.jupiter.api.Test
  void contains_agreesWithABitByBitPrefixComparison() throws Exception {
    java.util.Random random = new java.util.Random(11);
    for (int len : new int[] {4, 16}) {
      for (int prefix = 0; prefix <= len * 8; prefix++) {
        byte[] net = new byte[len];
        random.nextBytes(net);
        Cidr c = Cidr.parse(InetAddress.getByAddress(net).getHostAddress() + "/" + prefix);
        for (int i = 0; i < 200; i++) {
          byte[] a = net.clone();
          if (i % 2 == 1) {
            int bit = random.nextInt(len * 8);
            a[bit / 8] ^= (byte) (0x80 >>> (bit % 8)); // flip one bit, inside or outside the prefix
          }
          boolean expected = true;
          for (int b = 0; b < prefix; b++) {
            expected &= ((a[b / 8] ^ net[b / 8]) & (0x80 >>> (b % 8))) == 0;
          }
          assertEquals(expected, c.contains(InetAddress.getByAddress(a)), c + " " + java.util.Arrays.toString(a));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "10.0.0/8x", "school.example/24", "", "::1/129", "10.0.0.0/-1"})
  void parse_rejectsBadNetworks(String text) {
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
  }
}
