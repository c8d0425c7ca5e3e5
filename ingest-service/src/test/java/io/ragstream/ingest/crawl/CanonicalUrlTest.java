package io.ragstream.ingest.crawl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalUrlTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "HTTP://Example.COM/a                          | http://example.com/a",
                "http://example.com:80/a                       | http://example.com/a",
                "https://EXAMPLE.com:443                       | https://example.com/",
                "http://example.com:8080/a                     | http://example.com:8080/a",
                "http://example.com/a#section                  | http://example.com/a",
                "http://example.com/a/../b/./c                 | http://example.com/b/c",
                "http://example.com/a?b=2&a=1                  | http://example.com/a?a=1&b=2",
                "http://example.com/%7Efoo/a%2fb               | http://example.com/~foo/a%2Fb",
                "http://example.com/a b                        | http://example.com/a%20b",
                "http://user:secret@example.com/a              | http://example.com/a",
            })
    void spellsOneAddressOneWay(String url, String canonical) {
        assertThat(CanonicalUrl.of(url)).contains(canonical);
    }

    @Test
    void dropsTrackingParametersAndKeepsTheOthers() {
        assertThat(CanonicalUrl.of("http://example.com/a?utm_source=news&id=7&UTM_Medium=mail&gclid=1&fbclid=2"))
                .contains("http://example.com/a?id=7");
        assertThat(CanonicalUrl.of("http://example.com/a?utm_campaign=spring&msclkid=x"))
                .contains("http://example.com/a");
        assertThat(CanonicalUrl.of("http://example.com/a?utmost=1")).contains("http://example.com/a?utmost=1");
    }

    @Test
    void spellingsOfOnePageMeetInOneAddress() {
        assertThat(CanonicalUrl.of("HTTP://Example.com:80/docs/../a?utm_source=x#top"))
                .isEqualTo(CanonicalUrl.of("http://example.com/a"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"mailto:someone@example.com", "javascript:void(0)", "ftp://example.com/file", "tel:+123", ""})
    void refusesWhatIsNoWebAddress(String url) {
        assertThat(CanonicalUrl.of(url)).isEmpty();
    }

    @Test
    void resolvesReferencesAgainstTheirPageWithoutFragment() {
        assertThat(CanonicalUrl.resolve("http://example.com/dir/page", "../other?utm_campaign=x#top"))
                .contains("http://example.com/other");
        assertThat(CanonicalUrl.resolve("http://example.com/dir/page", "HTTPS://Example.com:443/x"))
                .contains("https://example.com/x");
        assertThat(CanonicalUrl.resolve("http://example.com/dir/page", "next page.html"))
                .contains("http://example.com/dir/next%20page.html");
    }

    @Test
    void originIsSchemeHostAndPort() {
        assertThat(CanonicalUrl.origin("http://example.com:8080/a?b=1")).isEqualTo("http://example.com:8080");
        assertThat(CanonicalUrl.origin("https://example.com/a")).isEqualTo("https://example.com");
        assertThat(CanonicalUrl.host("http://127.0.0.1:8080/a")).isEqualTo("127.0.0.1");
    }
}
