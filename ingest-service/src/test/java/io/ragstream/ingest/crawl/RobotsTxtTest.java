package io.ragstream.ingest.crawl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import crawlercommons.robots.BaseRobotRules;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RobotsTxtTest {

    private static final String ROBOTS_URL = "http://example.com/robots.txt";

    private final RobotsTxt robots = new RobotsTxt(CrawlConfig.DEFAULT_USER_AGENT);

    private BaseRobotRules parse(String content) {
        return robots.parse(ROBOTS_URL, content.getBytes(StandardCharsets.UTF_8), "text/plain");
    }

    @Test
    void honoursDisallowForEveryRobot() {
        BaseRobotRules rules = parse("User-agent: *\nDisallow: /private/\n");

        assertThat(rules.isAllowed("http://example.com/private/secret")).isFalse();
        assertThat(rules.isAllowed("http://example.com/public")).isTrue();
    }

    @Test
    void aGroupNamingTheCrawlerWinsOverTheWildcard() {
        BaseRobotRules rules =
                parse("User-agent: *\nDisallow: /\n\nUser-agent: ragstream-crawler\nDisallow: /drafts/\n");

        assertThat(rules.isAllowed("http://example.com/docs/a")).isTrue();
        assertThat(rules.isAllowed("http://example.com/drafts/a")).isFalse();
    }

    @Test
    void theLongestMatchingRuleDecides() {
        BaseRobotRules rules = parse("User-agent: *\nDisallow: /docs/\nAllow: /docs/public/\n");

        assertThat(rules.isAllowed("http://example.com/docs/public/a")).isTrue();
        assertThat(rules.isAllowed("http://example.com/docs/internal/a")).isFalse();
    }

    @Test
    void readsCrawlDelayInMillisecondsAndSitemaps() {
        BaseRobotRules rules = parse("User-agent: *\nCrawl-delay: 2\nSitemap: http://example.com/sitemap.xml\n");

        assertThat(rules.getCrawlDelay()).isEqualTo(2_000);
        assertThat(rules.getSitemaps()).containsExactly("http://example.com/sitemap.xml");
    }

    @Test
    void aMissingRobotsTxtAllowsEverythingAndAServerErrorNothing() {
        assertThat(robots.forStatus(404).isAllowed("http://example.com/a")).isTrue();
        assertThat(robots.forStatus(503).isAllowed("http://example.com/a")).isFalse();
        assertThat(robots.unreachable().isAllowed("http://example.com/a")).isFalse();
    }

    @Test
    void matchesRulesAgainstTheFirstWordOfTheUserAgent() {
        assertThat(RobotsTxt.productToken("ragstream-crawler/0.1 (+https://github.com/ragstream)"))
                .isEqualTo("ragstream-crawler");
        assertThat(RobotsTxt.productToken("MyBot")).isEqualTo("mybot");
        assertThatThrownBy(() -> RobotsTxt.productToken("/0.1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user-agent");
    }
}
