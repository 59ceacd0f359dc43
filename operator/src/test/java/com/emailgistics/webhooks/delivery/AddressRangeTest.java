package com.emailgistics.webhooks.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressRangeTest {

  @ParameterizedTest
  @CsvSource({
    "10.96.0.0/12, 10.96.0.1, true",
    "10.96.0.0/12, 10.111.255.254, true",
    "10.96.0.0/12, 10.112.0.0, false",
    "10.0.0.0/8, 11.0.0.1, false",
    "0.0.0.0/0, 203.0.113.9, true",
    "192.168.1.7/32, 192.168.1.7, true",
    "192.168.1.7/32, 192.168.1.8, false",
    "fd00::/8, fd12:3456::1, true",
    "fd00::/8, fe80::1, false",
    "10.0.0.0/8, ::1, false"
  })
  void containsExactlyTheAddressesOfItsPrefix(String range, String address, boolean inside)
      throws Exception {
    assertThat(AddressRange.parse(range).contains(InetAddress.getByName(address)))
        .isEqualTo(inside);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0", "10.0.0.0/33", "fd00::/129", "example.com/8", "10.0.0.0/x"})
  void anythingButALiteralRangeIsRefusedWithoutAskingDns(String text) {
    assertThatThrownBy(() -> AddressRange.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }
}
