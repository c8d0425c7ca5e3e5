package io.ragstream.ingest.crawl;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRules;
import crawlercommons.robots.SimpleRobotRulesParser;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The robots.txt rules (RFC 9309) for the crawler's user agent, read by crawler-commons. Rules are matched against the
 * first word of the {@code User-Agent}: {@code ragstream-crawler/0.1 (+https://...)} obeys the groups for
 * {@code ragstream-crawler}, else those for {@code *}.
 */
final class RobotsTxt {

    private static final Pattern PRODUCT_TOKEN = Pattern.compile("[a-z_-]+");

    private final List<String> agentNames;

    RobotsTxt(String userAgent) {
        this.agentNames = List.of(productToken(userAgent));
    }

    /** The robots.txt name of a user agent: its first word, before the version. */
    static String productToken(String userAgent) {
        String token = userAgent.strip().split("[/\\s]", 2)[0].toLowerCase(Locale.ROOT);
        if (!PRODUCT_TOKEN.matcher(token).matches()) {
            throw new IllegalArgumentException("user-agent '" + userAgent + "' must start with a name of letters, '-'"
                    + " and '_' (robots.txt rules are matched against it), e.g. " + CrawlConfig.DEFAULT_USER_AGENT);
        }
        return token;
    }

    /** The rules of a robots.txt that was fetched. */
    BaseRobotRules parse(String robotsUrl, byte[] content, String contentType) {
        // The parser counts warnings in a field: one per call keeps concurrent sites apart.
        return new SimpleRobotRulesParser().parseContent(robotsUrl, content, contentType, agentNames);
    }

    /** The rules when robots.txt answered this status instead: 4xx allows everything, 5xx nothing (RFC 9309). */
    BaseRobotRules forStatus(int status) {
        return new SimpleRobotRulesParser().failedFetch(status);
    }

    /** The rules when robots.txt could not be fetched at all: nothing is allowed (RFC 9309, section 2.3.1.4). */
    BaseRobotRules unreachable() {
        return new SimpleRobotRules(SimpleRobotRules.RobotRulesMode.ALLOW_NONE);
    }
}
