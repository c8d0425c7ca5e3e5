package io.ragstream.ingest.crawl;

import crawlercommons.sitemaps.AbstractSiteMap;
import crawlercommons.sitemaps.SiteMap;
import crawlercommons.sitemaps.SiteMapIndex;
import crawlercommons.sitemaps.SiteMapParser;
import crawlercommons.sitemaps.UnknownFormatException;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * One sitemap document read by crawler-commons (XML, text, RSS/Atom, gzip): the pages it lists, or for a sitemap index
 * the sitemaps it lists.
 */
record Sitemap(List<String> pages, List<String> sitemaps) {

    /**
     * @throws IOException when the content is no sitemap crawler-commons can read
     */
    static Sitemap parse(String url, String contentType, byte[] content) throws IOException {
        // Not strict: a sitemap may list pages outside its own directory; the crawl scope decides about them.
        SiteMapParser parser = new SiteMapParser(false);
        AbstractSiteMap sitemap;
        try {
            sitemap = parser.parseSiteMap(contentType, content, URI.create(url).toURL());
        } catch (UnknownFormatException e) {
            throw new IOException(
                    "sitemap " + url + " (" + contentType + ") is in no format a sitemap can have: " + e.getMessage(),
                    e);
        }
        if (sitemap instanceof SiteMapIndex index) {
            return new Sitemap(
                    List.of(),
                    index.getSitemaps().stream()
                            .map(child -> child.getUrl().toString())
                            .toList());
        }
        return new Sitemap(
                ((SiteMap) sitemap)
                        .getSiteMapUrls().stream()
                                .map(page -> page.getUrl().toString())
                                .toList(),
                List.of());
    }
}
