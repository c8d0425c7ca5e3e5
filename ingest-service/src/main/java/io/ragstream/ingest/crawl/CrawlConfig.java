package io.ragstream.ingest.crawl;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What one web crawl covers and how politely it fetches.
 *
 * @param tenant the tenant every published document belongs to
 * @param source the source name in every docId ({@code web:...})
 * @param seeds the addresses the crawl starts from (depth 0)
 * @param sitemaps sitemap or sitemap index addresses whose pages are seeds too
 * @param sitemapsFromRobots whether the {@code Sitemap:} lines of the seeds' robots.txt are read as well
 * @param allowedHosts hosts the crawl may follow links to ({@code docs.example.com}, or {@code *.example.com} for its
 *     subdomains); with no hosts and no prefixes, the hosts of the seeds and sitemaps
 * @param allowedPrefixes address prefixes the crawl may follow links to ({@code https://example.com/docs/}), besides
 *     the allowed hosts
 * @param includePatterns regular expressions; when any is given, an address must contain a match of one
 * @param excludePatterns regular expressions; an address that contains a match of one is not crawled
 * @param maxDepth how many links away from a seed the crawl goes
 * @param maxPages the most pages one crawl fetches
 * @param userAgent the {@code User-Agent} sent, whose first word is the name robots.txt rules are matched against
 * @param perHostDelay the least time between two requests to one host; a longer robots.txt {@code Crawl-delay} wins
 * @param perHostConcurrency the most requests in flight to one host
 * @param timeout the longest one request may take, connection and whole body included
 * @param maxResponseBytes the largest response body read; a larger one is skipped
 * @param maxRedirects the most redirects followed from one address
 * @param allowedAddresses host names, addresses and CIDR ranges the crawl may connect to although they are private,
 *     loopback or link-local ({@code 127.0.0.1/32}, {@code 10.1.0.0/16}, {@code wiki.intranet}); empty by default
 */
public record CrawlConfig(
        String tenant,
        String source,
        List<String> seeds,
        List<String> sitemaps,
        boolean sitemapsFromRobots,
        List<String> allowedHosts,
        List<String> allowedPrefixes,
        List<String> includePatterns,
        List<String> excludePatterns,
        int maxDepth,
        int maxPages,
        String userAgent,
        Duration perHostDelay,
        int perHostConcurrency,
        Duration timeout,
        long maxResponseBytes,
        int maxRedirects,
        List<String> allowedAddresses) {

    public static final String DEFAULT_USER_AGENT = "ragstream-crawler/0.1 (+https://github.com/ragstream)";

    /** Styles, scripts, images, media, fonts and archives: nothing the chunker can read. */
    public static final String NOT_DOCUMENTS = "(?i)\\.(css|js|mjs|map|png|jpe?g|gif|webp|avif|svg|ico|bmp|tiff?"
            + "|mp3|mp4|m4a|webm|avi|mov|wav|ogg|woff2?|ttf|otf|eot|zip|gz|tgz|tar|7z|rar|exe|dmg|iso|apk)([?].*)?$";

    public CrawlConfig {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(userAgent, "userAgent");
        Objects.requireNonNull(perHostDelay, "perHostDelay");
        Objects.requireNonNull(timeout, "timeout");
        seeds = copy(seeds);
        sitemaps = copy(sitemaps);
        allowedHosts = copy(allowedHosts);
        allowedPrefixes = copy(allowedPrefixes);
        includePatterns = copy(includePatterns);
        excludePatterns = copy(excludePatterns);
        allowedAddresses = copy(allowedAddresses);
        atLeast("max-depth", maxDepth, 0);
        atLeast("max-pages", maxPages, 1);
        atLeast("per-host-concurrency", perHostConcurrency, 1);
        atLeast("max-response-bytes", maxResponseBytes, 1);
        atLeast("max-redirects", maxRedirects, 0);
        if (perHostDelay.isNegative()) {
            throw new IllegalArgumentException("per-host-delay is " + perHostDelay + "; it must be zero or more");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout is " + timeout + "; it must be positive, e.g. PT20S");
        }
        includePatterns.forEach(p -> compile("include-patterns", p));
        excludePatterns.forEach(p -> compile("exclude-patterns", p));
    }

    /** Depth 3, 1,000 pages, one request a second and two at a time per host, 20 s, 20 MiB, no private addresses. */
    public static CrawlConfig defaults() {
        return new CrawlConfig(
                "default",
                "web",
                List.of(),
                List.of(),
                true,
                List.of(),
                List.of(),
                List.of(),
                List.of(NOT_DOCUMENTS),
                3,
                1000,
                DEFAULT_USER_AGENT,
                Duration.ofSeconds(1),
                2,
                Duration.ofSeconds(20),
                20L * 1024 * 1024,
                5,
                List.of());
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder(defaults());
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    static Pattern compile(String setting, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    setting + " entry '" + regex + "' is not a regular expression: " + e.getDescription(), e);
        }
    }

    private static List<String> copy(List<String> values) {
        return values == null ? List.of() : List.copyOf(values);
    }

    private static void atLeast(String setting, long value, long least) {
        if (value < least) {
            throw new IllegalArgumentException(setting + " is " + value + "; it must be at least " + least);
        }
    }

    /** Changes some settings of a {@link CrawlConfig}. */
    public static final class Builder {
        private String tenant;
        private String source;
        private List<String> seeds;
        private List<String> sitemaps;
        private boolean sitemapsFromRobots;
        private List<String> allowedHosts;
        private List<String> allowedPrefixes;
        private List<String> includePatterns;
        private List<String> excludePatterns;
        private int maxDepth;
        private int maxPages;
        private String userAgent;
        private Duration perHostDelay;
        private int perHostConcurrency;
        private Duration timeout;
        private long maxResponseBytes;
        private int maxRedirects;
        private List<String> allowedAddresses;

        private Builder(CrawlConfig from) {
            tenant = from.tenant;
            source = from.source;
            seeds = from.seeds;
            sitemaps = from.sitemaps;
            sitemapsFromRobots = from.sitemapsFromRobots;
            allowedHosts = from.allowedHosts;
            allowedPrefixes = from.allowedPrefixes;
            includePatterns = from.includePatterns;
            excludePatterns = from.excludePatterns;
            maxDepth = from.maxDepth;
            maxPages = from.maxPages;
            userAgent = from.userAgent;
            perHostDelay = from.perHostDelay;
            perHostConcurrency = from.perHostConcurrency;
            timeout = from.timeout;
            maxResponseBytes = from.maxResponseBytes;
            maxRedirects = from.maxRedirects;
            allowedAddresses = from.allowedAddresses;
        }

        public Builder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        public Builder source(String source) {
            this.source = source;
            return this;
        }

        public Builder seeds(String... seeds) {
            this.seeds = List.of(seeds);
            return this;
        }

        public Builder sitemaps(String... sitemaps) {
            this.sitemaps = List.of(sitemaps);
            return this;
        }

        public Builder sitemapsFromRobots(boolean sitemapsFromRobots) {
            this.sitemapsFromRobots = sitemapsFromRobots;
            return this;
        }

        public Builder allowedHosts(String... allowedHosts) {
            this.allowedHosts = List.of(allowedHosts);
            return this;
        }

        public Builder allowedPrefixes(String... allowedPrefixes) {
            this.allowedPrefixes = List.of(allowedPrefixes);
            return this;
        }

        public Builder includePatterns(String... includePatterns) {
            this.includePatterns = List.of(includePatterns);
            return this;
        }

        public Builder excludePatterns(String... excludePatterns) {
            this.excludePatterns = List.of(excludePatterns);
            return this;
        }

        public Builder maxDepth(int maxDepth) {
            this.maxDepth = maxDepth;
            return this;
        }

        public Builder maxPages(int maxPages) {
            this.maxPages = maxPages;
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        public Builder perHostDelay(Duration perHostDelay) {
            this.perHostDelay = perHostDelay;
            return this;
        }

        public Builder perHostConcurrency(int perHostConcurrency) {
            this.perHostConcurrency = perHostConcurrency;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder maxResponseBytes(long maxResponseBytes) {
            this.maxResponseBytes = maxResponseBytes;
            return this;
        }

        public Builder maxRedirects(int maxRedirects) {
            this.maxRedirects = maxRedirects;
            return this;
        }

        public Builder allowedAddresses(String... allowedAddresses) {
            this.allowedAddresses = List.of(allowedAddresses);
            return this;
        }

        public CrawlConfig build() {
            return new CrawlConfig(
                    tenant,
                    source,
                    seeds,
                    sitemaps,
                    sitemapsFromRobots,
                    allowedHosts,
                    allowedPrefixes,
                    includePatterns,
                    excludePatterns,
                    maxDepth,
                    maxPages,
                    userAgent,
                    perHostDelay,
                    perHostConcurrency,
                    timeout,
                    maxResponseBytes,
                    maxRedirects,
                    allowedAddresses);
        }
    }
}
