package io.ragstream.ingest.crawl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Which canonical addresses belong to a crawl: on an allowed host or under an allowed prefix, matching an include
 * pattern when there are any, and no exclude pattern.
 */
final class CrawlScope {

    private final List<String> hosts;
    private final List<String> prefixes;
    private final List<Pattern> includes;
    private final List<Pattern> excludes;

    private CrawlScope(List<String> hosts, List<String> prefixes, List<Pattern> includes, List<Pattern> excludes) {
        this.hosts = List.copyOf(hosts);
        this.prefixes = List.copyOf(prefixes);
        this.includes = List.copyOf(includes);
        this.excludes = List.copyOf(excludes);
    }

    /** The scope a configuration describes; without hosts and prefixes, the hosts of its seeds and sitemaps. */
    static CrawlScope of(CrawlConfig config) {
        List<String> prefixes = config.allowedPrefixes().stream()
                .map(prefix -> canonical("allowed-prefixes", prefix))
                .toList();
        List<String> hosts = new ArrayList<>();
        config.allowedHosts().forEach(host -> hosts.add(host.strip().toLowerCase(Locale.ROOT)));
        if (hosts.isEmpty() && prefixes.isEmpty()) {
            Stream.concat(
                            config.seeds().stream().map(seed -> canonical("seeds", seed)),
                            config.sitemaps().stream().map(sitemap -> canonical("sitemaps", sitemap)))
                    .map(CanonicalUrl::host)
                    .distinct()
                    .forEach(hosts::add);
        }
        return new CrawlScope(
                hosts,
                prefixes,
                config.includePatterns().stream()
                        .map(p -> CrawlConfig.compile("include-patterns", p))
                        .toList(),
                config.excludePatterns().stream()
                        .map(p -> CrawlConfig.compile("exclude-patterns", p))
                        .toList());
    }

    /** Why a canonical address is outside the crawl, or empty when it belongs to it. */
    Optional<String> refusal(String url) {
        String host = CanonicalUrl.host(url);
        if (hosts.stream().noneMatch(allowed -> hostMatches(allowed, host))
                && prefixes.stream().noneMatch(url::startsWith)) {
            return Optional.of("out of scope: host " + host + " is not among allowed-hosts " + hosts
                    + (prefixes.isEmpty() ? "" : " and the address is under none of allowed-prefixes " + prefixes));
        }
        if (!includes.isEmpty()
                && includes.stream().noneMatch(p -> p.matcher(url).find())) {
            return Optional.of("out of scope: matches none of include-patterns " + includes);
        }
        return excludes.stream()
                .filter(p -> p.matcher(url).find())
                .findFirst()
                .map(p -> "out of scope: matches exclude-patterns entry " + p);
    }

    /** The canonical form of a configured address; a malformed one stops the crawl before it starts. */
    static String canonical(String setting, String url) {
        return CanonicalUrl.of(url)
                .orElseThrow(() -> new IllegalArgumentException(setting + " entry '" + url
                        + "' is not an absolute http(s) address such as https://example.com/docs/"));
    }

    private static boolean hostMatches(String allowed, String host) {
        if (allowed.startsWith("*.")) {
            String domain = allowed.substring(1);
            return host.endsWith(domain) || host.equals(domain.substring(1));
        }
        return allowed.equals(host);
    }
}
