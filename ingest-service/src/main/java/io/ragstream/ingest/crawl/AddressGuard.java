package io.ragstream.ingest.crawl;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Keeps the crawler off the addresses a web page must not make it reach (SSRF): after DNS resolution, loopback,
 * link-local (cloud metadata at 169.254.169.254), private, carrier-grade NAT, unique-local, wildcard, multicast and
 * reserved addresses are refused, unless the operator allows a host name or an address range ({@code allowed-addresses}).
 *
 * <p>A host is refused when any of its addresses is, so a name cannot mix a public and a private address. The crawler's
 * HTTP client resolves names through {@link #connectable(String)}, so the addresses it connects to are the ones checked
 * in that same lookup: a DNS answer that changes between a check and the connection (rebinding) is caught.
 */
final class AddressGuard {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final List<Range> allowedRanges;
    private final Set<String> allowedHosts;

    private AddressGuard(List<Range> allowedRanges, Set<String> allowedHosts) {
        this.allowedRanges = List.copyOf(allowedRanges);
        this.allowedHosts = Set.copyOf(allowedHosts);
    }

    /**
     * @param allowed host names, addresses and CIDR ranges the operator allows: {@code 127.0.0.1/32},
     *     {@code 10.0.0.0/8}, {@code fd00::/8}, {@code intranet.example.com}
     */
    static AddressGuard allowing(List<String> allowed) {
        List<Range> ranges = new ArrayList<>();
        Set<String> hosts = new TreeSet<>();
        for (String entry : allowed) {
            String value = entry.strip().toLowerCase(Locale.ROOT);
            int slash = value.indexOf('/');
            Optional<InetAddress> literal = literal(slash < 0 ? value : value.substring(0, slash));
            if (literal.isPresent()) {
                int bits = literal.get().getAddress().length * 8;
                int prefix = slash < 0 ? bits : prefixLength(entry, value.substring(slash + 1), bits);
                ranges.add(new Range(literal.get().getAddress(), prefix));
            } else if (slash < 0 && !value.isEmpty() && value.indexOf(':') < 0) {
                hosts.add(value);
            } else {
                throw new IllegalArgumentException("allowed-addresses entry '" + entry
                        + "' is neither a host name, an IP address nor a CIDR range like 10.0.0.0/8");
            }
        }
        return new AddressGuard(ranges, hosts);
    }

    /**
     * Why the crawler must not connect to a host, or empty when it may. Resolves the name (a literal address is not
     * looked up).
     *
     * @throws UnknownHostException when the name does not resolve
     */
    Optional<String> refusal(String host) throws UnknownHostException {
        if (allowedHosts.contains(bare(host))) {
            return Optional.empty(); // the operator allows it by name, whatever it resolves to
        }
        try {
            connectable(host);
            return Optional.empty();
        } catch (Refused refused) {
            return Optional.of(refused.getMessage());
        }
    }

    /**
     * The addresses of a host the crawler may connect to, resolved once and checked: the HTTP client connects to these,
     * so no second lookup can hand it another address.
     *
     * @throws Refused when any of the host's addresses is refused, with the reason
     * @throws UnknownHostException when the name does not resolve
     */
    List<InetAddress> connectable(String host) throws UnknownHostException {
        String bare = bare(host);
        Optional<InetAddress> literal = literal(bare);
        List<InetAddress> addresses =
                literal.isPresent() ? List.of(literal.get()) : Arrays.asList(InetAddress.getAllByName(bare));
        if (allowedHosts.contains(bare)) {
            return addresses;
        }
        for (InetAddress address : addresses) {
            Optional<String> refusal = refusal(address);
            if (refusal.isPresent()) {
                String resolved = literal.isPresent() ? "" : " (" + address.getHostAddress() + ")";
                throw new Refused(host + resolved + " is " + refusal.get()
                        + "; refused to prevent SSRF, allow it in allowed-addresses if intended");
            }
        }
        return addresses;
    }

    private static String bare(String host) {
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return bare.toLowerCase(Locale.ROOT);
    }

    /** A host the crawler must not connect to; an {@link UnknownHostException} so HTTP clients give up on it at once. */
    static final class Refused extends UnknownHostException {
        Refused(String reason) {
            super(reason);
        }
    }

    /** Why an address is refused ("a loopback address"), or empty when it is public or allowed. */
    Optional<String> refusal(InetAddress address) {
        if (allowedRanges.stream().anyMatch(range -> range.contains(address))) {
            return Optional.empty();
        }
        return forbiddenKind(address).map(kind -> "a " + kind + " address");
    }

    private static Optional<String> forbiddenKind(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return Optional.of("wildcard (any-local)");
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("loopback");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("link-local (cloud metadata)");
        }
        if (address.isSiteLocalAddress()) {
            return Optional.of("private");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("multicast");
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = bytes[0] & 0xff;
            int second = bytes[1] & 0xff;
            if (first == 0) {
                return Optional.of("'this network' (0.0.0.0/8)");
            }
            if (first == 100 && (second & 0xc0) == 64) {
                return Optional.of("carrier-grade NAT (100.64.0.0/10)");
            }
            if (first >= 240) {
                return Optional.of("reserved (240.0.0.0/4)");
            }
            return Optional.empty();
        }
        if (address instanceof Inet6Address) {
            if ((bytes[0] & 0xfe) == 0xfc) {
                return Optional.of("unique-local (fc00::/7)");
            }
            // An IPv4 address inside an IPv6 one (NAT64 64:ff9b::/96, IPv4-compatible ::/96) reaches that IPv4 host.
            boolean nat64 = bytes[0] == 0 && bytes[1] == 0x64 && (bytes[2] & 0xff) == 0xff && (bytes[3] & 0xff) == 0x9b;
            boolean compatible = Arrays.equals(bytes, 0, 12, new byte[12], 0, 12);
            if (nat64 || compatible) {
                try {
                    return forbiddenKind(InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16)));
                } catch (UnknownHostException e) {
                    throw new IllegalStateException("four bytes always make an IPv4 address", e);
                }
            }
        }
        return Optional.empty();
    }

    /** The address written in a host, without any DNS lookup, or empty when the host is a name. */
    static Optional<InetAddress> literal(String host) {
        try {
            if (IPV4.matcher(host).matches()) {
                String[] parts = host.split("\\.");
                byte[] bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(parts[i]);
                    if (octet > 255) {
                        return Optional.empty();
                    }
                    bytes[i] = (byte) octet;
                }
                return Optional.of(InetAddress.getByAddress(bytes));
            }
            if (host.indexOf(':') >= 0) {
                // In brackets Java reads it as an IPv6 literal and never asks DNS, also when it is malformed.
                return Optional.of(InetAddress.getByName("[" + host + "]"));
            }
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static int prefixLength(String entry, String prefix, int bits) {
        try {
            int length = Integer.parseInt(prefix);
            if (length >= 0 && length <= bits) {
                return length;
            }
        } catch (NumberFormatException e) {
            // reported below with the entry
        }
        throw new IllegalArgumentException(
                "allowed-addresses entry '" + entry + "' has prefix length '" + prefix + "'; use 0 to " + bits);
    }

    /** An address range: the first {@code prefix} bits of {@code network}. */
    private record Range(byte[] network, int prefix) {
        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
