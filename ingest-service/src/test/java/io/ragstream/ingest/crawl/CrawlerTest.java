package io.ragstream.ingest.crawl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.ingest.IngestCounters;
import io.ragstream.ingest.IngestState;
import io.ragstream.ingest.RecordingSink;
import io.ragstream.model.Ids;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The crawler against a local web site, publishing into memory: limits, failures, redirects and the address guard. */
class CrawlerTest {

    private final TestSite site = new TestSite();
    private final RecordingSink sink = new RecordingSink();
    private final IngestState state = IngestState.inMemory();
    private final IngestCounters counters = new IngestCounters();

    @AfterEach
    void stopSite() {
        site.close();
    }

    private CrawlConfig.Builder config() {
        return CrawlConfig.builder()
                .seeds(site.url("/"))
                .allowedAddresses("127.0.0.1/32")
                .perHostDelay(Duration.ZERO)
                .timeout(Duration.ofSeconds(5));
    }

    private CrawlSummary crawl(CrawlConfig config) {
        try (Crawler crawler = new Crawler(config, sink, state, counters)) {
            return crawler.crawl();
        }
    }

    private CrawlSummary recrawl(CrawlConfig config) {
        try (Crawler crawler = new Crawler(config, sink, state, counters)) {
            return crawler.recrawl();
        }
    }

    @Test
    void followsLinksNoDeeperThanMaxDepthAndSendsItsUserAgent() {
        site.page("/", "root", "<a href='/d1'>1</a>")
                .page("/d1", "one", "<a href='/d2'>2</a>")
                .page("/d2", "two", "<a href='/d3'>3</a>")
                .page("/d3", "three", "end");

        CrawlSummary summary =
                crawl(config().maxDepth(2).userAgent("test-bot/1.0").build());

        assertThat(sink.publishedUris()).containsExactlyInAnyOrder(site.url("/"), site.url("/d1"), site.url("/d2"));
        assertThat(site.requestedPaths()).doesNotContain("/d3");
        assertThat(site.requests())
                .allSatisfy(request -> assertThat(request.userAgent()).isEqualTo("test-bot/1.0"));
        assertThat(summary.published()).isEqualTo(3);
        assertThat(summary.fetched()).isEqualTo(3);
        assertThat(counters.publishedCount()).isEqualTo(3);
    }

    @Test
    void fetchesNoMoreThanMaxPages() {
        StringBuilder links = new StringBuilder();
        IntStream.range(0, 10).forEach(i -> {
            links.append("<a href='/p").append(i).append("'>p</a>");
            site.page("/p" + i, "page " + i, "text " + i);
        });
        site.page("/", "root", links.toString());

        CrawlSummary summary = crawl(config().maxPages(4).build());

        assertThat(summary.fetched()).isEqualTo(4);
        assertThat(sink.publishedUris()).hasSize(4).contains(site.url("/"));
        assertThat(site.requestedPaths().stream().filter(path -> path.startsWith("/p")))
                .hasSize(3);
    }

    @Test
    void skipsResponsesLargerThanTheLimitWithOrWithoutContentLength() {
        byte[] big = new byte[4096];
        site.page("/", "root", "<a href='/big.pdf'>a</a><a href='/streamed.pdf'>b</a><a href='/small.pdf'>c</a>")
                .put("/big.pdf", TestSite.Resource.of("application/pdf", big))
                .put(
                        "/streamed.pdf",
                        TestSite.Resource.of("application/pdf", big).chunked())
                .put("/small.pdf", TestSite.Resource.of("application/pdf", new byte[100]));

        CrawlSummary summary = crawl(config().maxResponseBytes(1024).build());

        assertThat(sink.publishedUris()).containsExactlyInAnyOrder(site.url("/"), site.url("/small.pdf"));
        assertThat(summary.skips())
                .containsOnlyKeys(site.url("/big.pdf"), site.url("/streamed.pdf"))
                .allSatisfy((url, reason) -> assertThat(reason).contains("max-response-bytes=1024"));
        assertThat(summary.skips().get(site.url("/big.pdf"))).contains("Content-Length is 4096");
        assertThat(summary.failed()).isZero();
    }

    @Test
    void serverErrorsTimeoutsAndDocumentsTooLargeForTheSinkFailOnlyTheirPage() {
        RecordingSink smallSink = new RecordingSink(2_000);
        site.page(
                        "/",
                        "root",
                        "<a href='/error'>e</a><a href='/slow'>s</a><a href='/huge.pdf'>h</a><a href='/fine'>f</a>")
                .put("/error", TestSite.Resource.status(500))
                .put("/slow", TestSite.Resource.html("<title>slow</title>").after(Duration.ofSeconds(3)))
                .put("/huge.pdf", TestSite.Resource.of("application/pdf", new byte[5_000]))
                .page("/fine", "fine", "ok");

        CrawlSummary summary;
        try (Crawler crawler =
                new Crawler(config().timeout(Duration.ofMillis(500)).build(), smallSink, state, counters)) {
            summary = crawler.crawl();
        }

        assertThat(smallSink.publishedUris()).containsExactlyInAnyOrder(site.url("/"), site.url("/fine"));
        assertThat(summary.failures()).containsOnlyKeys(site.url("/error"), site.url("/slow"), site.url("/huge.pdf"));
        assertThat(summary.failures().get(site.url("/error"))).isEqualTo("HTTP 500");
        assertThat(summary.failures().get(site.url("/slow"))).contains("within timeout=PT0.5S");
        assertThat(summary.failures().get(site.url("/huge.pdf"))).contains("DocumentTooLargeException");
        assertThat(summary.failed()).isEqualTo(3);
        assertThat(state.get(site.url("/huge.pdf"))).isEmpty();
    }

    @Test
    void refusesCloudMetadataAndPrivateAddressesWithoutAnAllow() {
        site.page(
                        "/",
                        "root",
                        "<a href='http://169.254.169.254/latest/meta-data/'>m</a><a href='http://10.0.0.1/'>p</a>"
                                + "<a href='/hop'>h</a><a href='/fine'>f</a>")
                .put("/hop", TestSite.Resource.redirect(302, "http://169.254.169.254/latest/api/token"))
                .page("/fine", "fine", "ok");

        CrawlSummary summary = crawl(config().allowedHosts("127.0.0.1", "169.254.169.254", "10.0.0.1")
                .timeout(Duration.ofSeconds(2))
                .build());

        assertThat(summary.skips())
                .containsOnlyKeys(
                        "http://169.254.169.254/latest/meta-data/",
                        "http://10.0.0.1/",
                        "http://169.254.169.254/latest/api/token");
        assertThat(summary.skips().get("http://169.254.169.254/latest/meta-data/"))
                .contains("link-local", "SSRF");
        assertThat(summary.skips().get("http://10.0.0.1/")).contains("private", "SSRF");
        // A fetch that was tried would have failed (nothing listens there); refused ones are only skipped.
        assertThat(summary.failed()).isZero();
        assertThat(summary.skipped()).isEqualTo(3);
        assertThat(sink.publishedUris()).containsExactlyInAnyOrder(site.url("/"), site.url("/fine"));
    }

    /**
     * DNS rebinding: the crawler checked a host's addresses, then connected with a fresh lookup whose answer may have
     * changed to a private address (a zero TTL, or a Crawl-delay longer than the JVM's cache). The addresses checked
     * are the addresses connected to, so the loopback site behind the changed answer is never reached.
     */
    @Test
    void aHostWhoseDnsAnswerTurnsToLoopbackBetweenCheckAndConnectIsNeverReached() {
        site.page("/", "root", "secret admin page");
        RebindingResolver.lookups.set(0);
        String seed = site.url("/").replace("127.0.0.1", RebindingResolver.HOST);

        CrawlSummary summary = crawl(CrawlConfig.builder()
                .seeds(seed)
                .perHostDelay(Duration.ZERO)
                .timeout(Duration.ofSeconds(2))
                .build());

        assertThat(RebindingResolver.lookups.get()).as("lookups of the name").isPositive();
        assertThat(site.requests())
                .as("requests that reached the loopback site")
                .isEmpty();
        assertThat(sink.events()).isEmpty();
        assertThat(summary.published()).isZero();
    }

    @Test
    void aLoopbackSiteIsNotFetchedUnlessAllowed() {
        site.page("/", "root", "text");

        CrawlSummary summary = crawl(CrawlConfig.builder()
                .seeds(site.url("/"))
                .perHostDelay(Duration.ZERO)
                .build());

        assertThat(site.requests()).isEmpty();
        assertThat(sink.events()).isEmpty();
        assertThat(summary.skips()).containsOnlyKeys(site.url("/"));
        assertThat(summary.skips().get(site.url("/"))).contains("loopback");
    }

    @Test
    void aSiteWhoseRobotsTxtFailsIsNotCrawled() {
        site.put("/robots.txt", TestSite.Resource.status(503)).page("/", "root", "text");

        CrawlSummary summary = crawl(config().build());

        assertThat(site.requestedPaths()).containsExactly("/robots.txt");
        assertThat(sink.events()).isEmpty();
        assertThat(summary.skips().get(site.url("/"))).contains("robots.txt");
    }

    @Test
    void redirectsOutOfScopeAreNotFollowed() {
        site.page("/", "root", "<a href='/away'>away</a>")
                .put("/away", TestSite.Resource.redirect(301, "http://other.example/landing"));

        CrawlSummary summary = crawl(config().build());

        assertThat(sink.publishedUris()).containsExactly(site.url("/"));
        assertThat(summary.skips().get("http://other.example/landing")).contains("out of scope");
    }

    @Test
    void aKnownPageThatMovedPermanentlyIsDeletedAndItsNewAddressPublished() {
        site.page("/", "root", "<a href='/old'>old</a>").page("/old", "old", "content");
        crawl(config().build());
        site.put("/old", TestSite.Resource.redirect(301, "/new")).page("/new", "new", "content moved");

        CrawlSummary summary = recrawl(config().build());

        String oldDocId = Ids.docId("default", "web", site.url("/old"));
        assertThat(summary.published()).isEqualTo(1);
        assertThat(summary.deleted()).isEqualTo(1);
        assertThat(sink.events().subList(2, 4))
                .extracting(RecordingSink.Event::docId)
                .containsExactly(Ids.docId("default", "web", site.url("/new")), oldDocId);
        assertThat(sink.events().get(3).document()).isEqualTo(Optional.empty());
        assertThat(state.get(site.url("/old"))).isEmpty();
        assertThat(state.get(site.url("/new"))).isPresent();
    }
}
