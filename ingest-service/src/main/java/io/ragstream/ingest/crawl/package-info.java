/**
 * The web crawler: seeds and sitemaps, scope, robots.txt, per-host politeness, canonical addresses and the address guard
 * against SSRF, publishing each page once to a {@link io.ragstream.ingest.DocumentSink} and re-visiting known pages
 * conditionally. {@link io.ragstream.ingest.crawl.Crawler} is the entry point, {@link io.ragstream.ingest.crawl.CrawlConfig}
 * its settings.
 */
package io.ragstream.ingest.crawl;
