package io.ragstream.ingest.crawl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressGuardTest {

    private final AddressGuard noAllow = AddressGuard.allowing(List.of());

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
        "169.254.169.254, link-local",
        "10.0.0.1, private",
        "172.16.5.4, private",
        "192.168.1.1, private",
        "127.0.0.1, loopback",
        "::1, loopback",
        "[::1], loopback",
        "100.64.0.1, carrier-grade NAT",
        "fd00::1, unique-local",
        "fe80::1, link-local",
        "0.0.0.0, wildcard",
        "224.0.0.251, multicast",
        "::ffff:10.0.0.1, private",
        "64:ff9b::a9fe:a9fe, link-local",
        "255.255.255.255, reserved",
    })
    void refusesInternalAddressesWithoutAnAllow(String host, String kind) throws UnknownHostException {
        assertThat(noAllow.refusal(host))
                .hasValueSatisfying(reason ->
                        assertThat(reason).contains(host).contains(kind).contains("allowed-addresses"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "100.128.0.1", "2606:4700::1111"})
    void allowsPublicAddresses(String host) throws UnknownHostException {
        assertThat(noAllow.refusal(host)).isEmpty();
    }

    @Test
    void allowsExactlyTheConfiguredRange() throws UnknownHostException {
        AddressGuard guard = AddressGuard.allowing(List.of("127.0.0.1/32", "10.1.0.0/16", "fd00::/8"));

        assertThat(guard.refusal("127.0.0.1")).isEmpty();
        assertThat(guard.refusal("127.0.0.2")).isPresent();
        assertThat(guard.refusal("10.1.200.3")).isEmpty();
        assertThat(guard.refusal("10.2.0.1")).isPresent();
        assertThat(guard.refusal("fd12::1")).isEmpty();
        assertThat(guard.refusal("169.254.169.254")).isPresent();
    }

    @Test
    void aBareAddressAllowsThatAddressOnly() throws UnknownHostException {
        AddressGuard guard = AddressGuard.allowing(List.of("127.0.0.1"));

        assertThat(guard.refusal("127.0.0.1")).isEmpty();
        assertThat(guard.refusal("127.0.0.2")).isPresent();
    }

    @Test
    void anAllowedHostNameIsNeverResolved() throws UnknownHostException {
        // The name does not exist: were it resolved, the check would throw UnknownHostException.
        AddressGuard guard = AddressGuard.allowing(List.of("Wiki.Intranet.Invalid"));

        assertThat(guard.refusal("wiki.intranet.invalid")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/x", "::1/129", "not a host/8", ""})
    void refusesMalformedAllowEntries(String entry) {
        assertThatThrownBy(() -> AddressGuard.allowing(List.of(entry)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowed-addresses entry '" + entry + "'");
    }
}
