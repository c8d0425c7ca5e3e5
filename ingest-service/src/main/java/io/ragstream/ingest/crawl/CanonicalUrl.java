package io.ragstream.ingest.crawl;

import crawlercommons.filters.basic.BasicURLNormalizer;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one spelling of a web address that names a document, so one page is one docId: crawler-commons'
 * {@link BasicURLNormalizer} (lower-case scheme and host, no default port, no fragment, no dot segments, one
 * percent-encoding, sorted query parameters), then without the tracking parameters that only say where a visitor came
 * from.
 */
final class CanonicalUrl {

    /** The longest {@code uri} the raw document schema accepts. */
    static final int MAX_CHARS = 8192;

    private static final Set<String> TRACKING_PARAMETERS = Set.of(
            "gclid", "gbraid", "wbraid", "dclid", "fbclid", "msclkid", "yclid", "twclid", "igshid", "mc_cid", "mc_eid",
            "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok");
    private static final String TRACKING_PREFIX = "utm_";
    private static final BasicURLNormalizer NORMALIZER = new BasicURLNormalizer();
    private static final Pattern WEB_SCHEME = Pattern.compile("(?i)https?://");

    private CanonicalUrl() {}

    /** The canonical form of an absolute http(s) address, or empty when it is not one (mailto:, javascript:, malformed). */
    static Optional<String> of(String url) {
        String candidate = url.strip();
        if (!WEB_SCHEME.matcher(candidate).lookingAt()) {
            return Optional.empty(); // the normalizer would read "example.com/a" or "tel:1" as http://...
        }
        String normalized = NORMALIZER.filter(candidate);
        if (normalized == null) {
            return Optional.empty();
        }
        String canonical = withoutTracking(normalized);
        URI uri;
        try {
            uri = new URI(canonical);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        boolean web = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
        if (!web || uri.getHost() == null || uri.getHost().isEmpty() || canonical.length() > MAX_CHARS) {
            return Optional.empty();
        }
        return Optional.of(canonical);
    }

    /** The canonical form of a reference (a {@code Location} header, a link) read against the address it came from. */
    static Optional<String> resolve(String base, String reference) {
        int fragment = reference.indexOf('#');
        String withoutFragment = fragment < 0 ? reference : reference.substring(0, fragment);
        try {
            return of(URI.create(base)
                    .resolve(BasicURLNormalizer.escapePath(withoutFragment.strip()))
                    .toString());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** {@code scheme://host[:port]} of a canonical address: the unit robots.txt and politeness apply to. */
    static String origin(String canonicalUrl) {
        URI uri = URI.create(canonicalUrl);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    /** The host of a canonical address, without the brackets of an IPv6 literal. */
    static String host(String canonicalUrl) {
        String host = URI.create(canonicalUrl).getHost();
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    static boolean isTracking(String parameter) {
        String name = parameter.toLowerCase(Locale.ROOT);
        return name.startsWith(TRACKING_PREFIX) || TRACKING_PARAMETERS.contains(name);
    }

    private static String withoutTracking(String url) {
        int query = url.indexOf('?');
        if (query < 0) {
            return url;
        }
        String kept = Arrays.stream(url.substring(query + 1).split("&"))
                .filter(pair -> !pair.isEmpty() && !isTracking(pair.split("=", 2)[0]))
                .collect(Collectors.joining("&"));
        return kept.isEmpty() ? url.substring(0, query) : url.substring(0, query + 1) + kept;
    }
}
