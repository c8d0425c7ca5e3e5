package io.ragstream.ingest;

import io.ragstream.ingest.crawl.CrawlConfig;
import io.ragstream.ingest.crawl.CrawlSummary;
import io.ragstream.ingest.crawl.Crawler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ingest crawl}: one crawl of a site, or a re-visit of the pages a previous crawl published. */
@Command(
        name = "crawl",
        mixinStandardHelpOptions = true,
        description =
                "Crawl a site from seed addresses (and sitemaps), publishing new and changed pages and a tombstone"
                        + " for every known page that is gone. Honours robots.txt; refuses private addresses unless allowed.")
final class IngestCrawlCommand implements Callable<Integer> {

    @Mixin
    IngestCli.Common common = new IngestCli.Common();

    @Parameters(arity = "0..*", paramLabel = "URL", description = "seed addresses")
    List<String> seeds = new ArrayList<>();

    @Option(names = "--sitemap", description = "a sitemap or sitemap index whose pages are seeds too")
    List<String> sitemaps = new ArrayList<>();

    @Option(
            names = "--allow-host",
            description = "hosts links may lead to (docs.example.com, *.example.com); default: the seeds' hosts")
    List<String> allowedHosts = new ArrayList<>();

    @Option(names = "--allow-prefix", description = "address prefixes links may lead to, besides the allowed hosts")
    List<String> allowedPrefixes = new ArrayList<>();

    @Option(names = "--include", description = "regular expressions an address must match one of")
    List<String> include = new ArrayList<>();

    @Option(names = "--exclude", description = "regular expressions of addresses not to crawl")
    List<String> exclude = new ArrayList<>();

    @Option(names = "--max-depth", description = "links away from a seed (default: ${DEFAULT-VALUE})")
    int maxDepth = CrawlConfig.defaults().maxDepth();

    @Option(names = "--max-pages", description = "pages fetched at most (default: ${DEFAULT-VALUE})")
    int maxPages = CrawlConfig.defaults().maxPages();

    @Option(
            names = "--delay",
            description = "least time between two requests to one host, e.g. PT0.5S (default: ${DEFAULT-VALUE})")
    Duration delay = CrawlConfig.defaults().perHostDelay();

    @Option(
            names = "--allow-address",
            description = "a private, loopback or link-local address, CIDR range or host name the crawl may reach"
                    + " (refused by default, against SSRF), e.g. 127.0.0.1/32")
    List<String> allowedAddresses = new ArrayList<>();

    @Option(names = "--source", description = "the documents' source, part of their ids (default: ${DEFAULT-VALUE})")
    String source = "web";

    @Option(
            names = "--recrawl",
            description = "re-visit only the pages a previous crawl published (conditional requests; tombstones for"
                    + " pages that are gone) instead of crawling from the seeds")
    boolean recrawl;

    @Override
    public Integer call() {
        if (seeds.isEmpty() && sitemaps.isEmpty() && !recrawl) {
            System.out.println("give at least one seed URL or --sitemap, or --recrawl");
            return 2;
        }
        CrawlConfig.Builder builder = CrawlConfig.builder()
                .tenant(common.tenant)
                .source(source)
                .seeds(seeds.toArray(String[]::new))
                .sitemaps(sitemaps.toArray(String[]::new))
                .allowedHosts(allowedHosts.toArray(String[]::new))
                .allowedPrefixes(allowedPrefixes.toArray(String[]::new))
                .includePatterns(include.toArray(String[]::new))
                .maxDepth(maxDepth)
                .maxPages(maxPages)
                .perHostDelay(delay)
                .allowedAddresses(allowedAddresses.toArray(String[]::new));
        if (!exclude.isEmpty()) {
            List<String> patterns = new ArrayList<>(CrawlConfig.defaults().excludePatterns());
            patterns.addAll(exclude);
            builder.excludePatterns(patterns.toArray(String[]::new));
        }
        CrawlConfig config = builder.build();
        IngestCounters counters = new IngestCounters();
        CrawlSummary summary;
        try (KafkaDocumentSink sink = common.sink();
                IngestState state = common.state("crawl-" + source);
                Crawler crawler = new Crawler(config, sink, state, counters);
                Progress progress = new Progress(counters, "fetched", System.out, Duration.ofSeconds(2))) {
            summary = recrawl ? crawler.recrawl() : crawler.crawl();
        }
        print("skipped", summary.skips(), summary.skipped());
        print("failed", summary.failures(), summary.failed());
        return summary.failed() > 0 ? IngestCli.SOME_FAILED : 0;
    }

    /** The first few addresses with their reasons; all of them are in the log. */
    private static void print(String what, java.util.Map<String, String> reasons, long count) {
        reasons.entrySet().stream()
                .limit(SHOWN)
                .forEach(e -> System.out.println(what + " " + e.getKey() + ": " + e.getValue()));
        if (count > SHOWN) {
            System.out.printf("... %d more %s; the log names each%n", count - SHOWN, what);
        }
    }

    private static final int SHOWN = 20;
}
