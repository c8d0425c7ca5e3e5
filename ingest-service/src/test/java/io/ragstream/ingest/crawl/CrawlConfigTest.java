package io.ragstream.ingest.crawl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ragstream.config.ConfigBinder;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CrawlConfigTest {

    @Test
    void defaultsAreConservative() {
        CrawlConfig defaults = CrawlConfig.defaults();

        assertThat(defaults.maxDepth()).isEqualTo(3);
        assertThat(defaults.maxPages()).isEqualTo(1000);
        assertThat(defaults.perHostDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.perHostConcurrency()).isEqualTo(2);
        assertThat(defaults.timeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(defaults.maxResponseBytes()).isEqualTo(20L * 1024 * 1024);
        assertThat(defaults.tenant()).isEqualTo("default");
        assertThat(defaults.source()).isEqualTo("web");
        assertThat(defaults.userAgent()).startsWith("ragstream-crawler/");
        assertThat(defaults.allowedAddresses()).isEmpty();
    }

    @Test
    void theBuilderChangesOnlyWhatItIsTold() {
        CrawlConfig config =
                CrawlConfig.builder().maxPages(5).seeds("https://example.com/").build();

        assertThat(config.maxPages()).isEqualTo(5);
        assertThat(config.seeds()).containsExactly("https://example.com/");
        assertThat(config.toBuilder().maxDepth(1).build())
                .isEqualTo(new CrawlConfig(
                        config.tenant(),
                        config.source(),
                        config.seeds(),
                        config.sitemaps(),
                        config.sitemapsFromRobots(),
                        config.allowedHosts(),
                        config.allowedPrefixes(),
                        config.includePatterns(),
                        config.excludePatterns(),
                        1,
                        config.maxPages(),
                        config.userAgent(),
                        config.perHostDelay(),
                        config.perHostConcurrency(),
                        config.timeout(),
                        config.maxResponseBytes(),
                        config.maxRedirects(),
                        config.allowedAddresses()));
    }

    @Test
    void bindsFromTheEnvironmentLikeEveryServiceConfiguration() {
        ConfigBinder.Bound<CrawlConfig> bound = new ConfigBinder()
                .bind(
                        CrawlConfig.class,
                        CrawlConfig.defaults(),
                        Optional.empty(),
                        Map.of("RAGSTREAM_MAX_PAGES", "5", "RAGSTREAM_PER_HOST_DELAY", "PT0.5S"));

        assertThat(bound.config().maxPages()).isEqualTo(5);
        assertThat(bound.config().perHostDelay()).isEqualTo(Duration.ofMillis(500));
        assertThat(bound.config().excludePatterns()).containsExactly(CrawlConfig.NOT_DOCUMENTS);
        assertThat(bound.config().userAgent()).isEqualTo(CrawlConfig.DEFAULT_USER_AGENT);
    }

    @Test
    void namesTheSettingThatIsWrong() {
        assertThatThrownBy(() -> CrawlConfig.builder().maxPages(0).build()).hasMessageContaining("max-pages is 0");
        assertThatThrownBy(() -> CrawlConfig.builder().timeout(Duration.ZERO).build())
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> CrawlConfig.builder().excludePatterns("(").build())
                .hasMessageContaining("exclude-patterns entry '('");
    }
}
