package io.ragstream.ingest.crawl;

import crawlercommons.robots.BaseRobotRules;
import io.ragstream.ingest.DocumentSink;
import io.ragstream.ingest.IngestCounters;
import io.ragstream.ingest.IngestState;
import io.ragstream.model.Ids;
import io.ragstream.model.RawDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crawls web sites into a {@link DocumentSink}: HTML pages as text, other documents (PDF, DOCX, ...) as bytes, each
 * under its canonical address. Every fetch runs on a virtual thread, through the address guard (no private addresses),
 * robots.txt and the per-host politeness gate; redirects are followed hop by hop with the same checks.
 *
 * <p>What was published is remembered in the {@link IngestState} under the canonical address, after the sink accepted
 * it: the ETag, Last-Modified and links of each page, so a known page is fetched conditionally and an unchanged one is
 * never published again, also after a restart. A known page that answers 404 or 410 (or moved permanently elsewhere)
 * gets a tombstone at the end of the run.
 */
public final class Crawler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Crawler.class);

    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(10);
    private static final String ETAG = "etag";
    private static final String LAST_MODIFIED = "last-modified";
    private static final String LINKS = "links";
    private static final String HTML_AS_TEXT = "text/html; charset=utf-8";
    /** Media types that are no document the chunker reads, whatever their address looked like. */
    private static final List<String> NOT_DOCUMENT_TYPES =
            List.of("image/", "audio/", "video/", "font/", "text/css", "text/javascript", "application/javascript");

    private final CrawlConfig config;
    private final DocumentSink sink;
    private final IngestState state;
    private final IngestCounters counters;
    private final CrawlScope scope;
    private final AddressGuard guard;
    private final RobotsTxt robotsTxt;
    private final List<String> seeds;
    private final List<String> sitemaps;
    private final HttpFetcher http;

    /**
     * @param state what earlier crawls published; the crawler reads and updates the entries of its own pages
     * @param counters kept current while the crawl runs, so another thread can print progress from them
     */
    public Crawler(CrawlConfig config, DocumentSink sink, IngestState state, IngestCounters counters) {
        this.config = config;
        this.sink = sink;
        this.state = state;
        this.counters = counters;
        this.scope = CrawlScope.of(config);
        this.guard = AddressGuard.allowing(config.allowedAddresses());
        this.robotsTxt = new RobotsTxt(config.userAgent());
        this.seeds = config.seeds().stream()
                .map(seed -> CrawlScope.canonical("seeds", seed))
                .toList();
        this.sitemaps = config.sitemaps().stream()
                .map(sitemap -> CrawlScope.canonical("sitemaps", sitemap))
                .toList();
        this.http = new HttpFetcher(config.userAgent(), config.timeout(), guard);
    }

    /**
     * One full crawl from the seeds and sitemaps up to max-depth and max-pages. Known pages it reaches are fetched
     * conditionally; known pages that answered 404 or 410 get a tombstone at the end.
     */
    public CrawlSummary crawl() {
        return run("crawl", true, config.maxPages(), run -> {
            seeds.forEach(seed -> run.schedule(seed, 0));
            sitemaps.forEach(run::readSitemapLater);
            if (config.sitemapsFromRobots()) {
                seeds.stream().map(CanonicalUrl::origin).distinct().forEach(run::readRobotsSitemapsLater);
            }
        });
    }

    /**
     * Re-visits every page of this crawl the state knows, conditionally, without following links: publishes the pages
     * that changed and a tombstone for each that answered 404 or 410. max-pages does not limit it: every known page is
     * visited.
     */
    public CrawlSummary recrawl() {
        List<String> known = state.keys().stream()
                .filter(key -> CanonicalUrl.of(key).filter(key::equals).isPresent())
                .filter(key -> known(key).isPresent() && scope.refusal(key).isEmpty())
                .sorted()
                .toList();
        return run("recrawl", false, Integer.MAX_VALUE, run -> known.forEach(run::revisit));
    }

    @Override
    public void close() {
        http.close();
    }

    private CrawlSummary run(String name, boolean followLinks, int maxPages, Consumer<Run> start) {
        CrawlSummary before = CrawlSummary.counted(counters);
        long started = System.nanoTime();
        log.info(
                "{} start: seeds={} sitemaps={} knownPages={} maxDepth={} maxPages={}",
                name,
                seeds,
                sitemaps,
                state.size(),
                config.maxDepth(),
                config.maxPages());
        Run run = new Run(followLinks, maxPages);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("crawl-progress").factory());
        ticker.scheduleAtFixedRate(
                () -> progress(name, run),
                PROGRESS_INTERVAL.toMillis(),
                PROGRESS_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        try (run) {
            start.accept(run);
            run.awaitIdle();
            run.publishTombstones();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("{} interrupted: what was published is kept; tombstones wait for the next run", name);
        } finally {
            ticker.shutdownNow();
            state.flush();
        }
        CrawlSummary summary = CrawlSummary.since(
                before, counters, Duration.ofNanos(System.nanoTime() - started), run.skips, run.failures);
        log.info("{} done: {}", name, summary);
        return summary;
    }

    private void progress(String name, Run run) {
        log.info("{} progress: {}, inFlight={}", name, counters.line("fetched"), run.inFlight());
        try {
            state.flush();
        } catch (UncheckedIOException e) {
            log.warn("{} cannot save its state yet, will retry: {}", name, e.getMessage());
        }
    }

    /** The state's entry for a page of this crawl (same tenant and source), if it has one. */
    private Optional<IngestState.Entry> known(String url) {
        return state.get(url).filter(entry -> entry.docId().equals(Ids.docId(config.tenant(), config.source(), url)));
    }

    private static Map<String, String> conditionalHeaders(Optional<IngestState.Entry> known) {
        Map<String, String> headers = new HashMap<>();
        known.flatMap(entry -> entry.attribute(ETAG)).ifPresent(etag -> headers.put("If-None-Match", etag));
        known.flatMap(entry -> entry.attribute(LAST_MODIFIED))
                .ifPresent(date -> headers.put("If-Modified-Since", date));
        return headers;
    }

    private static Map<String, String> attributes(FetchResponse response, List<String> links) {
        Map<String, String> attributes = new HashMap<>();
        response.header("ETag").ifPresent(etag -> attributes.put(ETAG, etag));
        response.header("Last-Modified").ifPresent(date -> attributes.put(LAST_MODIFIED, date));
        if (!links.isEmpty()) {
            attributes.put(LINKS, String.join("\n", links));
        }
        return attributes;
    }

    private static List<String> storedLinks(IngestState.Entry entry) {
        return entry.attribute(LINKS).map(links -> List.of(links.split("\n"))).orElse(List.of());
    }

    private static String describe(Exception e) {
        return e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** One crawl or recrawl: its frontier, the documents it took, and the politeness state of each site. */
    private final class Run implements AutoCloseable {

        private final boolean followLinks;
        private final AtomicInteger pagesLeft;
        private final AtomicBoolean pagesLimitReported = new AtomicBoolean();
        private final ExecutorService tasks = Executors.newVirtualThreadPerTaskExecutor();
        private final ConcurrentMap<String, HostGate> gates = new ConcurrentHashMap<>();
        /** Pages queued or fetched: each address is visited once. */
        private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
        /** Document addresses this run published or found unchanged: each is taken once. */
        private final Set<String> claimed = ConcurrentHashMap.newKeySet();
        /** Known pages that answered 404 or 410 or moved permanently: tombstones at the end. */
        private final Set<String> gone = ConcurrentHashMap.newKeySet();

        private final Set<String> sitemapsRead = ConcurrentHashMap.newKeySet();
        private final Map<String, String> skips = new ConcurrentHashMap<>();
        private final Map<String, String> failures = new ConcurrentHashMap<>();
        private int inFlight;

        Run(boolean followLinks, int maxPages) {
            this.followLinks = followLinks;
            this.pagesLeft = new AtomicInteger(maxPages);
        }

        /** Queues a page when it is new to this run, in scope and within max-pages. */
        void schedule(String url, int depth) {
            if (!scheduled.add(url)) {
                return;
            }
            Optional<String> outOfScope = scope.refusal(url);
            if (outOfScope.isPresent()) {
                skip(url, outOfScope.get());
                return;
            }
            if (pagesLeft.getAndDecrement() <= 0) {
                if (pagesLimitReported.compareAndSet(false, true)) {
                    log.info("max-pages={} reached: {} and later pages are not fetched", config.maxPages(), url);
                }
                return;
            }
            submit(() -> visit(url, depth));
        }

        void revisit(String url) {
            scheduled.add(url);
            submit(() -> visit(url, 0));
        }

        void readSitemapLater(String url) {
            if (sitemapsRead.add(url)) {
                submit(() -> readSitemap(url));
            }
        }

        void readRobotsSitemapsLater(String origin) {
            submit(() -> robots(origin).getSitemaps().forEach(sitemap -> CanonicalUrl.of(sitemap)
                    .ifPresent(this::readSitemapLater)));
        }

        synchronized int inFlight() {
            return inFlight;
        }

        synchronized void awaitIdle() throws InterruptedException {
            while (inFlight > 0) {
                wait();
            }
        }

        void publishTombstones() {
            for (String url : new TreeSet<>(gone)) {
                Optional<IngestState.Entry> entry = known(url);
                if (claimed.contains(url) || entry.isEmpty()) {
                    continue;
                }
                try {
                    sink.delete(entry.get().docId(), config.tenant());
                } catch (RuntimeException e) {
                    fail(url, "tombstone not published: " + describe(e));
                    continue;
                }
                state.remove(url);
                counters.deleted();
                log.debug(
                        "page url={} outcome=deleted docId={}", url, entry.get().docId());
            }
        }

        @Override
        public void close() {
            tasks.shutdownNow();
        }

        private void submit(Runnable task) {
            synchronized (this) {
                inFlight++;
            }
            tasks.execute(() -> {
                try {
                    task.run();
                } finally {
                    synchronized (this) {
                        if (--inFlight == 0) {
                            notifyAll();
                        }
                    }
                }
            });
        }

        /** Fetches a page, hop by hop through its redirects, and takes what it answers. */
        private void visit(String url, int depth) {
            String current = url;
            try {
                for (int redirects = 0; ; redirects++) {
                    String hop = current;
                    Optional<String> refusal = redirects == 0 ? Optional.empty() : scope.refusal(hop);
                    if (refusal.isEmpty()) {
                        refusal = unsafe(hop).or(() -> disallowed(hop));
                    }
                    if (refusal.isPresent()) {
                        skip(current, refusal.get());
                        return;
                    }
                    Optional<IngestState.Entry> known = known(current);
                    FetchResponse response = fetch(current, conditionalHeaders(known));
                    if (redirects == 0) {
                        counters.seen();
                    }
                    if (!response.isRedirect()) {
                        take(current, response, known, depth);
                        return;
                    }
                    Optional<String> target = CanonicalUrl.resolve(
                            current, response.header("Location").orElseThrow());
                    if (known.isPresent() && response.isPermanentRedirect() && !target.equals(Optional.of(current))) {
                        gone.add(current);
                    }
                    if (target.isEmpty() || target.get().equals(current)) {
                        fail(
                                current,
                                "HTTP " + response.status() + " to an unusable or the same address: "
                                        + response.header("Location").orElseThrow());
                        return;
                    }
                    if (redirects >= config.maxRedirects()) {
                        fail(url, "more than max-redirects=" + config.maxRedirects() + " redirects");
                        return;
                    }
                    log.debug("page url={} status={} redirect={}", current, response.status(), target.get());
                    if (!scheduled.add(target.get())) {
                        return; // the crawl visits the target anyway, under its own address
                    }
                    current = target.get();
                }
            } catch (RefusedException e) {
                skip(current, e.getMessage());
            } catch (IOException e) {
                fail(current, describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                log.warn("page url={} failed unexpectedly", current, e);
                fail(current, describe(e));
            }
        }

        private void take(String url, FetchResponse response, Optional<IngestState.Entry> known, int depth) {
            int status = response.status();
            if (status == 304 && known.isPresent()) {
                claimed.add(url);
                counters.unchanged();
                log.debug("page url={} status=304 outcome=unchanged", url);
                follow(storedLinks(known.get()), depth);
            } else if ((status == 404 || status == 410) && known.isPresent()) {
                gone.add(url);
                log.debug("page url={} status={} outcome=gone", url, status);
            } else if (status / 100 == 2) {
                accept(url, response, depth);
            } else {
                fail(url, "HTTP " + status);
            }
        }

        /** Publishes a fetched document unless this run took it already or its content did not change. */
        private void accept(String url, FetchResponse response, int depth) {
            String mediaType = response.mediaType();
            if (NOT_DOCUMENT_TYPES.stream().anyMatch(mediaType::startsWith)) {
                skip(url, "content type " + mediaType + " is not a document");
                return;
            }
            if (response.body().length == 0) {
                skip(url, "empty body");
                return;
            }
            RawDocument.Builder builder =
                    RawDocument.builder().tenant(config.tenant()).source(config.source());
            String uri = url;
            List<String> links = List.of();
            if (HtmlPage.isHtml(mediaType)) {
                HtmlPage page = HtmlPage.parse(response.body(), response.charset(), url);
                uri = page.canonical()
                        .filter(canonical -> scope.refusal(canonical).isEmpty())
                        .orElse(url);
                links = page.links();
                builder.text(HTML_AS_TEXT, page.html());
                page.title().ifPresent(builder::title);
            } else {
                builder.bytes(response.contentType(), response.body());
            }
            scheduled.add(uri);
            if (!claimed.add(uri)) {
                skip(url, "same document as " + uri + ", which this crawl already took");
                return;
            }
            RawDocument document = builder.uri(uri).build();
            Map<String, String> attributes = attributes(response, links);
            Optional<IngestState.Entry> previous = known(uri);
            if (previous.isPresent() && previous.get().contentHash().equals(document.contentHash())) {
                if (!previous.get().attributes().equals(attributes)) {
                    state.put(uri, new IngestState.Entry(document.docId(), document.contentHash(), attributes));
                }
                counters.unchanged();
                log.debug("page url={} status={} outcome=unchanged", uri, response.status());
            } else {
                try {
                    sink.publish(document);
                    state.put(uri, new IngestState.Entry(document.docId(), document.contentHash(), attributes));
                    counters.published();
                    log.debug(
                            "page url={} status={} outcome=published docId={} contentType={}",
                            uri,
                            response.status(),
                            document.docId(),
                            document.contentType());
                } catch (RuntimeException e) {
                    fail(uri, "not published: " + describe(e));
                }
            }
            follow(links, depth);
        }

        private void follow(List<String> links, int depth) {
            if (followLinks && depth < config.maxDepth()) {
                links.forEach(link -> schedule(link, depth + 1));
            }
        }

        private void readSitemap(String url) {
            try {
                FetchResponse response = fetchFollowingRedirects(url);
                if (response.status() / 100 != 2) {
                    fail(url, "sitemap answered HTTP " + response.status());
                    return;
                }
                Sitemap sitemap = Sitemap.parse(url, response.contentType(), response.body());
                log.debug(
                        "sitemap url={} pages={} sitemaps={}",
                        url,
                        sitemap.pages().size(),
                        sitemap.sitemaps().size());
                sitemap.sitemaps().forEach(child -> CanonicalUrl.of(child).ifPresent(this::readSitemapLater));
                sitemap.pages().forEach(page -> CanonicalUrl.of(page).ifPresent(canonical -> schedule(canonical, 0)));
            } catch (RefusedException e) {
                skip(url, e.getMessage());
            } catch (IOException e) {
                fail(url, describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private Optional<String> disallowed(String url) {
            String origin = CanonicalUrl.origin(url);
            BaseRobotRules rules = robots(origin);
            if (rules.isAllowed(url)) {
                return Optional.empty();
            }
            return Optional.of(
                    rules.isAllowNone()
                            ? "robots.txt of " + origin + " allows nothing to " + config.userAgent()
                                    + ", or could not be read"
                            : "disallowed by " + origin + "/robots.txt");
        }

        private BaseRobotRules robots(String origin) {
            return gate(origin).robots(() -> loadRobots(origin));
        }

        private BaseRobotRules loadRobots(String origin) {
            String url = origin + "/robots.txt";
            try {
                FetchResponse response = fetchFollowingRedirects(url);
                BaseRobotRules rules = response.status() / 100 == 2
                        ? robotsTxt.parse(url, response.body(), response.contentType())
                        : robotsTxt.forStatus(response.status());
                log.debug("robots url={} status={} crawlDelayMs={}", url, response.status(), rules.getCrawlDelay());
                return rules;
            } catch (RefusedException | IOException e) {
                log.info("robots url={} unreadable, so nothing on {} is crawled: {}", url, origin, describe(e));
                return robotsTxt.unreachable();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return robotsTxt.unreachable();
            }
        }

        /** Why a page's host must not be connected to (SSRF), or empty when it may. */
        private Optional<String> unsafe(String url) throws IOException {
            Optional<String> refusal = guard.refusal(CanonicalUrl.host(url));
            refusal.ifPresent(reason -> log.info("refused url={}: {}", url, reason));
            return refusal;
        }

        /** For robots.txt and sitemaps: redirects followed with the address guard on every hop. */
        private FetchResponse fetchFollowingRedirects(String url)
                throws IOException, InterruptedException, RefusedException {
            String current = url;
            FetchResponse response = fetch(current, Map.of());
            for (int redirects = 0; response.isRedirect() && redirects < config.maxRedirects(); redirects++) {
                Optional<String> target = CanonicalUrl.resolve(
                        current, response.header("Location").orElseThrow());
                if (target.isEmpty()) {
                    break;
                }
                current = target.get();
                response = fetch(current, Map.of());
            }
            return response;
        }

        /** One request, only to an address the guard allows, through the site's politeness gate. */
        private FetchResponse fetch(String url, Map<String, String> headers)
                throws IOException, InterruptedException, RefusedException {
            Optional<String> refusal = unsafe(url);
            if (refusal.isPresent()) {
                throw new RefusedException(refusal.get());
            }
            return gate(CanonicalUrl.origin(url))
                    .call(() -> http.get(URI.create(url), headers, config.maxResponseBytes()));
        }

        private HostGate gate(String origin) {
            return gates.computeIfAbsent(origin, o -> new HostGate(config.perHostConcurrency(), config.perHostDelay()));
        }

        private void skip(String url, String reason) {
            counters.skipped(url, reason);
            if (skips.size() < CrawlSummary.MAX_REASONS) {
                skips.putIfAbsent(url, reason);
            }
            log.debug("page url={} outcome=skipped reason=\"{}\"", url, reason);
        }

        private void fail(String url, String reason) {
            counters.failed(url, reason);
            if (failures.size() < CrawlSummary.MAX_REASONS) {
                failures.putIfAbsent(url, reason);
            }
            log.warn("page url={} outcome=failed reason=\"{}\"", url, reason);
        }
    }
}
