package io.ragstream.ingest.crawl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.ingest.IngestCounters;
import io.ragstream.ingest.IngestState;
import io.ragstream.ingest.KafkaDocumentSink;
import io.ragstream.model.ContentEncoding;
import io.ragstream.model.Ids;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.model.json.RawDocumentSerde;
import io.ragstream.testkit.KafkaFixture;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The crawler against a local web site, publishing into a real Kafka topic, across re-crawls and a restart. */
class CrawlerIT {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private final TestSite site = new TestSite();
    private final RawDocumentSerde serde = new RawDocumentSerde();
    private String topic;
    private TopicPartition partition;
    private KafkaDocumentSink sink;
    private KafkaConsumer<String, byte[]> consumer;

    @BeforeEach
    void createTopic() {
        topic = kafka.uniqueName("crawl-docs-raw");
        kafka.createTopics(new NewTopic(topic, 1, (short) 1).configs(Topics.DOCS_RAW_SPEC.configs()));
        partition = new TopicPartition(topic, 0);
        sink = new KafkaDocumentSink(kafka.producerConfig(), topic, Topics.MAX_MESSAGE_BYTES);
        consumer = new KafkaConsumer<>(
                kafka.consumerConfig(kafka.uniqueName("crawl-test")),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
    }

    @AfterEach
    void close() {
        consumer.close();
        sink.close();
        site.close();
    }

    @Test
    void publishesEachAllowedPageOnceAndKeepsTheTopicFreshAcrossRecrawlsAndARestart() {
        byte[] pdf = tinyPdf("Hello from a PDF");
        site.put("/robots.txt", TestSite.Resource.text("text/plain", "User-agent: *\nDisallow: /private/\n"))
                .put(
                        "/sitemap_index.xml",
                        TestSite.Resource.text("application/xml", sitemapIndex(site.url("/sitemap.xml"))))
                .put("/sitemap.xml", TestSite.Resource.text("application/xml", sitemap(site.url("/orphan"))))
                .page(
                        "/",
                        "Home",
                        "<a href='/a'>a</a> <a href='/b'>b</a> <a href='/private/secret'>secret</a>"
                                + " <a href='/old'>moved</a> <a href='/missing'>broken</a>"
                                + " <a href='http://other.example/page'>elsewhere</a>")
                .page(
                        "/a",
                        "Page A",
                        "first version <a href='/doc.pdf'>pdf</a> <a href='/a-print'>print</a>"
                                + " <a href='/new#top'>new</a>")
                .put(
                        "/a-print",
                        TestSite.Resource.html("<html><head><link rel='canonical' href='/a'><title>A (print)</title>"
                                + "</head><body>first version</body></html>"))
                .put(
                        "/b",
                        TestSite.Resource.html(
                                "<html><head><meta charset='iso-8859-1'><title>Café</title></head><body>crème"
                                        + " <a href='/a?utm_source=newsletter&utm_medium=email'>a again</a></body></html>",
                                StandardCharsets.ISO_8859_1))
                .put("/old", TestSite.Resource.redirect(301, "/new"))
                .page("/new", "New", "where old went")
                .page("/private/secret", "Secret", "must not be published")
                .page("/orphan", "Orphan", "only the sitemap lists me")
                .put("/doc.pdf", TestSite.Resource.of("application/pdf", pdf));
        Path stateFile = directory.resolve("crawl-state.json");
        CrawlConfig config = CrawlConfig.builder()
                .seeds(site.url("/"))
                .sitemaps(site.url("/sitemap_index.xml"))
                .allowedAddresses("127.0.0.1/32")
                .perHostDelay(Duration.ZERO)
                .timeout(Duration.ofSeconds(5))
                .build();
        List<String> pages = List.of("/", "/a", "/b", "/new", "/orphan", "/doc.pdf");

        CrawlSummary first = run(config, stateFile, Crawler::crawl);

        Map<String, RawDocument> published = byUri(readNewRecords());
        assertThat(published.keySet()).containsExactlyInAnyOrderElementsOf(urls(pages));
        assertThat(first.published()).isEqualTo(pages.size());
        assertThat(site.requestedPaths()).contains("/robots.txt").doesNotContain("/private/secret");
        assertThat(first.skips()).containsKeys(site.url("/private/secret"), "http://other.example/page");
        assertThat(first.failures()).containsOnlyKeys(site.url("/missing"));
        RawDocument pdfDocument = published.get(site.url("/doc.pdf"));
        assertThat(pdfDocument.contentType()).isEqualTo("application/pdf");
        assertThat(pdfDocument.contentEncoding()).isEqualTo(ContentEncoding.BASE64);
        assertThat(pdfDocument.contentBytes()).isEqualTo(pdf);
        RawDocument b = published.get(site.url("/b"));
        assertThat(b.title()).contains("Café");
        assertThat(b.contentType()).isEqualTo("text/html; charset=utf-8");
        assertThat(b.content()).contains("crème");
        assertThat(published.get(site.url("/a")).title()).contains("Page A");

        site.forgetRequests();
        CrawlSummary unchanged = run(config, stateFile, Crawler::recrawl);

        assertThat(readNewRecords()).isEmpty();
        assertThat(unchanged.unchanged()).isEqualTo(pages.size());
        assertThat(site.requests())
                .filteredOn(request -> !request.path().equals("/robots.txt"))
                .hasSize(pages.size())
                .allSatisfy(request -> assertThat(request.ifNoneMatch()).isPresent());

        CrawlSummary crawledAgain = run(config, stateFile, Crawler::crawl);

        assertThat(readNewRecords()).isEmpty();
        assertThat(crawledAgain.published()).isZero();
        assertThat(crawledAgain.unchanged()).isEqualTo(pages.size());

        site.page("/a", "Page A", "second version <a href='/doc.pdf'>pdf</a> <a href='/a-print'>print</a>");
        CrawlSummary changed = run(config, stateFile, Crawler::recrawl);

        List<ConsumerRecord<String, byte[]>> update = readNewRecords();
        assertThat(update).hasSize(1);
        assertThat(update.getFirst().key()).isEqualTo(docId("/a"));
        assertThat(serde.deserialize(topic, update.getFirst().value()).content())
                .contains("second version");
        assertThat(changed.published()).isEqualTo(1);

        site.put("/b", TestSite.Resource.status(410));
        CrawlSummary removed = run(config, stateFile, Crawler::recrawl);

        List<ConsumerRecord<String, byte[]>> deletion = readNewRecords();
        assertThat(deletion).hasSize(1);
        assertThat(deletion.getFirst().key()).isEqualTo(docId("/b"));
        assertThat(deletion.getFirst().value()).isNull();
        assertThat(removed.deleted()).isEqualTo(1);
        assertThat(IngestState.open(stateFile).get(site.url("/b"))).isEmpty();

        // A new crawler over the same state file, as after a restart: the site did not change since.
        site.forgetRequests();
        CrawlSummary restarted = run(config, stateFile, Crawler::crawl);

        assertThat(readNewRecords()).isEmpty();
        assertThat(restarted.published()).isZero();
        assertThat(restarted.deleted()).isZero();
        assertThat(site.requests())
                .filteredOn(request -> urls(pages).contains(site.url(request.path()))
                        && !request.path().equals("/b"))
                .allSatisfy(request -> assertThat(request.ifNoneMatch()).isPresent());
    }

    private CrawlSummary run(CrawlConfig config, Path stateFile, Function<Crawler, CrawlSummary> action) {
        try (IngestState state = IngestState.open(stateFile);
                Crawler crawler = new Crawler(config, sink, state, new IngestCounters())) {
            return action.apply(crawler);
        }
    }

    /** The records published since the last call; the sink returns only after the broker acknowledged them. */
    private List<ConsumerRecord<String, byte[]>> readNewRecords() {
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (consumer.position(partition) < end && System.nanoTime() < deadline) {
            consumer.poll(POLL).records(partition).forEach(records::add);
        }
        assertThat(consumer.position(partition))
                .as("read up to the end of " + topic)
                .isEqualTo(end);
        return records;
    }

    private Map<String, RawDocument> byUri(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, RawDocument> documents = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            RawDocument document = serde.deserialize(topic, record.value());
            assertThat(record.key()).isEqualTo(document.docId()).isEqualTo(Ids.docId("default", "web", document.uri()));
            assertThat(documents.put(document.uri(), document))
                    .as("published twice: " + document.uri())
                    .isNull();
        }
        return documents;
    }

    private List<String> urls(List<String> paths) {
        return paths.stream().map(site::url).toList();
    }

    private String docId(String path) {
        return Ids.docId("default", "web", site.url(path));
    }

    private static String sitemapIndex(String sitemap) {
        return "<?xml version='1.0' encoding='UTF-8'?>"
                + "<sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                + "<sitemap><loc>" + sitemap + "</loc></sitemap></sitemapindex>";
    }

    private static String sitemap(String page) {
        return "<?xml version='1.0' encoding='UTF-8'?>"
                + "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                + "<url><loc>" + page + "</loc></url></urlset>";
    }

    /** A one-page PDF showing one line of text, with a correct cross-reference table. */
    static byte[] tinyPdf(String text) {
        String content = "BT /F1 12 Tf 20 50 Td (" + text + ") Tj ET";
        List<String> objects = List.of(
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 100] /Contents 4 0 R"
                        + " /Resources << /Font << /F1 5 0 R >> >> >>",
                "<< /Length " + content.length() + " >>\nstream\n" + content + "\nendstream",
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Integer> offsets = new ArrayList<>();
        out.writeBytes("%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < objects.size(); i++) {
            offsets.add(out.size());
            out.writeBytes(((i + 1) + " 0 obj\n" + objects.get(i) + "\nendobj\n").getBytes(StandardCharsets.US_ASCII));
        }
        int xref = out.size();
        StringBuilder trailer = new StringBuilder("xref\n0 " + (objects.size() + 1) + "\n0000000000 65535 f \n");
        offsets.forEach(offset -> trailer.append("%010d 00000 n \n".formatted(offset)));
        trailer.append("trailer\n<< /Size ")
                .append(objects.size() + 1)
                .append(" /Root 1 0 R >>\nstartxref\n")
                .append(xref)
                .append("\n%%EOF\n");
        out.writeBytes(trailer.toString().getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
