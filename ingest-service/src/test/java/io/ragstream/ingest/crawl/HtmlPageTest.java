package io.ragstream.ingest.crawl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HtmlPageTest {

    @Test
    void decodesWithTheCharsetTheMetaTagNames() {
        byte[] latin1 =
                "<html><head><meta charset=\"iso-8859-1\"><title>Café menu</title></head><body>crème</body></html>"
                        .getBytes(StandardCharsets.ISO_8859_1);

        HtmlPage page = HtmlPage.parse(latin1, Optional.empty(), "http://example.com/");

        assertThat(page.title()).contains("Café menu");
        assertThat(page.html()).contains("crème");
    }

    @Test
    void theHeaderCharsetWinsOverGuessingAndAByteOrderMarkIsDropped() {
        byte[] latin1 = "<title>Café</title>".getBytes(StandardCharsets.ISO_8859_1);
        byte[] utf8WithBom = "\uFEFF<title>Café</title>".getBytes(StandardCharsets.UTF_8);

        assertThat(HtmlPage.parse(latin1, Optional.of(StandardCharsets.ISO_8859_1), "http://example.com/")
                        .title())
                .contains("Café");
        assertThat(HtmlPage.parse(utf8WithBom, Optional.empty(), "http://example.com/")
                        .html())
                .startsWith("<title>Café");
    }

    @Test
    void linksAreCanonicalAbsoluteAndListedOnce() {
        String html = "<a href='b.html#part'>b</a> <a href='/b.html?utm_source=x'>again</a>"
                + " <a href='mailto:x@example.com'>mail</a> <a href='HTTP://Other.example:80/c'>c</a>"
                + " <map><area href='d.pdf'></map>";

        HtmlPage page =
                HtmlPage.parse(html.getBytes(StandardCharsets.UTF_8), Optional.empty(), "http://example.com/a/");

        assertThat(page.links())
                .containsExactly(
                        "http://example.com/a/b.html",
                        "http://example.com/b.html",
                        "http://other.example/c",
                        "http://example.com/a/d.pdf");
    }

    @Test
    void readsTheCanonicalLinkAndNoTitleWhenThereIsNone() {
        String html = "<head><link rel='canonical' href='/a?utm_medium=x'></head><body>text</body>";

        HtmlPage page =
                HtmlPage.parse(html.getBytes(StandardCharsets.UTF_8), Optional.empty(), "http://example.com/a/print");

        assertThat(page.canonical()).contains("http://example.com/a");
        assertThat(page.title()).isEmpty();
    }
}
