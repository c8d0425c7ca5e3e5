package io.ragstream.chunker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.embedding.OnnxModel;
import io.ragstream.embedding.Tokenizer;
import io.ragstream.model.RawDocument;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A page does not decide its own citation. Seen: a documentation site crawled over http cited every answer as a
 * {@code file:} URI on its web server's disk, because its pages declared that canonical link; a hostile page could name
 * any address. The address ragstream fetched is the citation, unless the canonical link is http(s) on the same host.
 */
class CitationTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T10:00:00Z"), ZoneOffset.UTC);
    private static Tokenizer tokenizer;
    private static DocumentChunking chunking;

    @BeforeAll
    static void load() {
        tokenizer = OnnxModel.bgeSmallEnV15Quantized().loadTokenizer();
        chunking =
                new DocumentChunking(new HtmlParser(), new Chunker(tokenizer, new ChunkerSettings(64, 8, 8192)), CLOCK);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @ParameterizedTest(name = "{0} declaring {1} is cited as {2}")
    @CsvSource({
        // the page's own site may name its preferred address
        "http://docs.example.com/guide?print=1, https://docs.example.com/guide, https://docs.example.com/guide",
        "https://docs.example.com/a, /b, https://docs.example.com/b",
        // anything else is the page's word against the crawler's
        "http://docs.example.com/guide, file:///var/www/docs/guide.html, http://docs.example.com/guide",
        "https://docs.example.com/guide, https://attacker.example/phish, https://docs.example.com/guide",
        "https://docs.example.com/guide, https://example.com.attacker.example/guide, https://docs.example.com/guide",
        "https://docs.example.com/guide, javascript:alert(1), https://docs.example.com/guide",
        "https://docs.example.com/guide, ftp://docs.example.com/guide, https://docs.example.com/guide",
        // a file from the folder loader keeps its file URI
        "file:///srv/kb/guide.html, https://docs.example.com/guide, file:///srv/kb/guide.html",
    })
    void theCitationIsTheFetchedAddressUnlessTheCanonicalLinkIsSameSiteHttp(
            String fetched, String canonical, String cited) {
        RawDocument page = RawDocument.builder()
                .tenant("acme")
                .source("web")
                .uri(fetched)
                .text(
                        "text/html",
                        "<html><head><title>Guide</title><link rel=\"canonical\" href=\"" + canonical
                                + "\"></head><body><p>How to rotate the keys of a cluster.</p></body></html>")
                .fetchedAt(CLOCK.instant())
                .build();

        assertThat(chunking.chunk(page, 1).document().uri()).isEqualTo(cited);
    }

    @Test
    void aPageWithoutACanonicalLinkIsCitedByItsAddress() {
        RawDocument page = RawDocument.builder()
                .tenant("acme")
                .source("web")
                .uri("https://docs.example.com/plain")
                .text("text/html", "<html><body><p>Plain.</p></body></html>")
                .fetchedAt(CLOCK.instant())
                .build();

        assertThat(chunking.chunk(page, 1).document().uri()).isEqualTo("https://docs.example.com/plain");
    }
}
