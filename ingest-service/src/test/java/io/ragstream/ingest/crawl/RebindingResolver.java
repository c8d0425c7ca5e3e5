package io.ragstream.ingest.crawl;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The test JVM's name resolver: every name resolves as usual except {@link #HOST}, a DNS rebinding attack's name. Its
 * attacker answers a public address while the crawler checks the name and loopback when the crawler connects (a zero TTL
 * lets an attacker switch answers between two lookups); the test tells the two lookups apart by whether the SSRF guard
 * asks. A crawler that connects to the addresses its guard checked is never sent to loopback. Installed for the module's tests through
 * {@code META-INF/services}; the tests run with the JVM's DNS cache off ({@code sun.net.inetaddr.ttl=0}), as a
 * rebinding attacker's zero TTL would make it.
 */
public final class RebindingResolver extends InetAddressResolverProvider {

    static final String HOST = "rebind.ragstream.test";
    static final AtomicInteger lookups = new AtomicInteger();

    private static final byte[] PUBLIC = {93, (byte) 184, (byte) 215, 14};
    private static final byte[] LOOPBACK = {127, 0, 0, 1};

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (!HOST.equalsIgnoreCase(host)) {
                    return builtin.lookupByName(host, policy);
                }
                lookups.incrementAndGet();
                boolean checking = StackWalker.getInstance()
                        .walk(frames ->
                                frames.anyMatch(frame -> frame.getClassName().equals(AddressGuard.class.getName())));
                byte[] answer = checking ? PUBLIC : LOOPBACK;
                return Stream.of(InetAddress.getByAddress(host, answer));
            }

            @Override
            public String lookupByAddress(byte[] address) throws UnknownHostException {
                return builtin.lookupByAddress(address);
            }
        };
    }

    @Override
    public String name() {
        return "ragstream tests: a name that resolves to a public address when checked and to loopback otherwise";
    }
}
