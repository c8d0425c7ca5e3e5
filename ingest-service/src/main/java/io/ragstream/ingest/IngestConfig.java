package io.ragstream.ingest;

import io.ragstream.config.TopicSetup;
import io.ragstream.ingest.crawl.CrawlConfig;
import io.ragstream.ingest.files.FileLoaderConfig;
import io.ragstream.ingest.upload.UploadConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The ingest service's settings; every key can be set in a properties file or as {@code RAGSTREAM_<KEY>}, Kafka
 * producer settings under {@code kafka.*} (or {@code KAFKA_*}). Lists are comma separated.
 *
 * @param tenant the tenant of the documents the folder loader and the crawler publish (uploads take theirs from the key)
 * @param stateDirectory where the folder loader and the crawler remember what they published
 * @param upload the upload API, served once {@code upload.auth.keys} or {@code upload.auth.keys-file} is set
 */
public record IngestConfig(
        String tenant, String stateDirectory, TopicSetup topics, UploadConfig upload, Folders files, Crawl crawl) {

    /** Whether the upload API runs: it does once it has an API key to accept. */
    boolean uploadConfigured() {
        return !upload.auth().keys().isBlank() || upload.auth().keysFile().isPresent();
    }

    /**
     * Folders watched while the service runs; none by default.
     *
     * @param roots folders, comma separated
     * @param include globs, comma separated; empty for every file
     * @param exclude globs, comma separated; empty for hidden files and folders
     */
    public record Folders(
            String roots,
            String include,
            String exclude,
            long maxFileBytes,
            String source,
            Duration rescanInterval,
            Duration settleDelay,
            boolean includeMedia) {

        FileLoaderConfig loaderConfig(String tenant) {
            FileLoaderConfig defaults = FileLoaderConfig.defaults();
            List<String> includes = split(include);
            List<String> excludes = split(exclude);
            return new FileLoaderConfig(
                    split(roots).stream().map(Path::of).toList(),
                    includes.isEmpty() ? defaults.include() : includes,
                    excludes.isEmpty() ? defaults.exclude() : excludes,
                    maxFileBytes,
                    tenant,
                    source,
                    rescanInterval,
                    settleDelay,
                    includeMedia);
        }
    }

    /**
     * A site crawled when the service starts and again every {@code interval}; none by default.
     *
     * @param seeds addresses, comma separated
     * @param sitemaps sitemap addresses, comma separated
     * @param allowedHosts hosts links may lead to, comma separated; empty for the seeds' hosts
     * @param allowedPrefixes address prefixes links may lead to, comma separated
     * @param allowedAddresses private addresses, ranges or hosts the crawl may reach, comma separated (SSRF guard)
     * @param interval time between the starts of two crawls
     */
    public record Crawl(
            String seeds,
            String sitemaps,
            String allowedHosts,
            String allowedPrefixes,
            String allowedAddresses,
            int maxDepth,
            int maxPages,
            Duration perHostDelay,
            String userAgent,
            String source,
            Duration interval) {

        boolean configured() {
            return !split(seeds).isEmpty() || !split(sitemaps).isEmpty();
        }

        CrawlConfig crawlConfig(String tenant) {
            return CrawlConfig.builder()
                    .tenant(tenant)
                    .source(source)
                    .seeds(split(seeds).toArray(String[]::new))
                    .sitemaps(split(sitemaps).toArray(String[]::new))
                    .allowedHosts(split(allowedHosts).toArray(String[]::new))
                    .allowedPrefixes(split(allowedPrefixes).toArray(String[]::new))
                    .allowedAddresses(split(allowedAddresses).toArray(String[]::new))
                    .maxDepth(maxDepth)
                    .maxPages(maxPages)
                    .perHostDelay(perHostDelay)
                    .userAgent(userAgent)
                    .build();
        }
    }

    public static IngestConfig defaults() {
        FileLoaderConfig files = FileLoaderConfig.defaults();
        CrawlConfig crawl = CrawlConfig.defaults();
        return new IngestConfig(
                "default",
                ".ragstream/ingest-state",
                TopicSetup.defaults(),
                UploadConfig.defaults(),
                new Folders(
                        "",
                        "",
                        "",
                        files.maxFileBytes(),
                        files.source(),
                        files.rescanInterval(),
                        files.settleDelay(),
                        files.includeMedia()),
                new Crawl(
                        "",
                        "",
                        "",
                        "",
                        "",
                        crawl.maxDepth(),
                        crawl.maxPages(),
                        crawl.perHostDelay(),
                        crawl.userAgent(),
                        crawl.source(),
                        Duration.ofHours(24)));
    }

    static List<String> split(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        return Arrays.stream(list.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
    }
}
