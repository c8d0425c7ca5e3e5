package io.ragstream.ingest.crawl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CrawlScopeTest {

    @Test
    void withoutHostsOrPrefixesTheSeedAndSitemapHostsAreTheScope() {
        CrawlScope scope = CrawlScope.of(CrawlConfig.builder()
                .seeds("https://Docs.Example.com/start")
                .sitemaps("https://blog.example.com/sitemap.xml")
                .build());

        assertThat(scope.refusal("https://docs.example.com/a")).isEmpty();
        assertThat(scope.refusal("http://blog.example.com/post")).isEmpty();
        assertThat(scope.refusal("https://other.example/a"))
                .hasValueSatisfying(reason -> assertThat(reason).contains("out of scope", "other.example"));
    }

    @Test
    void aWildcardHostCoversTheDomainAndItsSubdomainsOnly() {
        CrawlScope scope = CrawlScope.of(
                CrawlConfig.builder().allowedHosts("*.example.com").build());

        assertThat(scope.refusal("https://example.com/")).isEmpty();
        assertThat(scope.refusal("https://a.b.example.com/")).isEmpty();
        assertThat(scope.refusal("https://badexample.com/")).isPresent();
        assertThat(scope.refusal("https://example.com.evil.net/")).isPresent();
    }

    @Test
    void prefixesLimitTheCrawlToPartsOfASite() {
        CrawlScope scope = CrawlScope.of(CrawlConfig.builder()
                .allowedPrefixes("HTTPS://example.com:443/docs/")
                .build());

        assertThat(scope.refusal("https://example.com/docs/a")).isEmpty();
        assertThat(scope.refusal("https://example.com/blog/a")).isPresent();
    }

    @Test
    void includeAndExcludePatternsFilterAddresses() {
        CrawlScope scope = CrawlScope.of(CrawlConfig.builder()
                .seeds("https://example.com/")
                .includePatterns("/docs/", "/guides/")
                .excludePatterns("/docs/archive/")
                .build());

        assertThat(scope.refusal("https://example.com/docs/a")).isEmpty();
        assertThat(scope.refusal("https://example.com/guides/b")).isEmpty();
        assertThat(scope.refusal("https://example.com/blog/c"))
                .hasValueSatisfying(reason -> assertThat(reason).contains("include-patterns"));
        assertThat(scope.refusal("https://example.com/docs/archive/old"))
                .hasValueSatisfying(reason -> assertThat(reason).contains("exclude-patterns"));
    }

    @Test
    void byDefaultStylesScriptsAndImagesAreNotCrawled() {
        CrawlScope scope = CrawlScope.of(
                CrawlConfig.builder().seeds("https://example.com/").build());

        assertThat(scope.refusal("https://example.com/logo.PNG")).isPresent();
        assertThat(scope.refusal("https://example.com/site.css?v=3")).isPresent();
        assertThat(scope.refusal("https://example.com/manual.pdf")).isEmpty();
        assertThat(scope.refusal("https://example.com/report.docx")).isEmpty();
        assertThat(scope.refusal("https://example.com/jsonschema")).isEmpty();
    }

    @Test
    void aMalformedSeedStopsTheCrawlBeforeItStarts() {
        CrawlConfig config = CrawlConfig.builder().seeds("example.com/docs").build();

        assertThatThrownBy(() -> CrawlScope.of(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("seeds entry 'example.com/docs'");
    }
}
