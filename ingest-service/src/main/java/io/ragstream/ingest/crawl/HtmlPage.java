package io.ragstream.ingest.crawl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * What the crawler takes from an HTML page: its text decoded with the charset jsoup detects (header, byte-order mark,
 * {@code <meta charset>}), its title, its {@code <link rel=canonical>} and the canonical addresses of its links.
 */
record HtmlPage(String html, Optional<String> title, Optional<String> canonical, List<String> links) {

    /** The longest title the raw document schema accepts. */
    static final int MAX_TITLE_CHARS = 2048;

    private static final char BYTE_ORDER_MARK = '\uFEFF';

    static boolean isHtml(String mediaType) {
        return mediaType.equals("text/html") || mediaType.equals("application/xhtml+xml");
    }

    /**
     * @param headerCharset the charset the {@code Content-Type} header names; a byte-order mark still wins over it
     * @param url the page's address, against which relative links are read
     */
    static HtmlPage parse(byte[] body, Optional<Charset> headerCharset, String url) {
        Document document;
        try {
            document = Jsoup.parse(
                    new ByteArrayInputStream(body),
                    headerCharset.map(Charset::name).orElse(null),
                    url);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the HTML of " + url + ": " + e.getMessage(), e);
        }
        String html = new String(body, document.charset());
        if (!html.isEmpty() && html.charAt(0) == BYTE_ORDER_MARK) {
            html = html.substring(1);
        }
        Optional<String> title = Optional.of(document.title().strip())
                .filter(t -> !t.isEmpty())
                .map(t -> t.length() > MAX_TITLE_CHARS ? t.substring(0, MAX_TITLE_CHARS) : t);
        Optional<String> canonical = Optional.ofNullable(document.selectFirst("link[rel=canonical][href]"))
                .map(link -> link.absUrl("href"))
                .flatMap(CanonicalUrl::of);
        Set<String> links = new LinkedHashSet<>();
        for (Element link : document.select("a[href], area[href]")) {
            CanonicalUrl.of(link.absUrl("href")).ifPresent(links::add);
        }
        return new HtmlPage(html, title, canonical, List.copyOf(links));
    }
}
