package io.ragstream.ingest.files;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The file loader's settings.
 *
 * <p>Globs use {@link java.nio.file.FileSystem#getPathMatcher(String) glob syntax} and are matched against the path
 * relative to its root ({@code docs/guide.md}); a glob starting with {@code **}{@code /} also matches at the root itself,
 * so {@code **}{@code /.*} excludes {@code .env} as well as {@code docs/.env}. A file is loaded when an include glob and
 * no exclude glob matches it; a directory matched by an exclude glob ending in {@code /**} is not entered at all.
 *
 * @param roots the directories to load; nothing outside them is read, also through symbolic links
 * @param include globs of the files to load ({@code files.include})
 * @param exclude globs of the files to leave out ({@code files.exclude}); by default hidden files and directories
 * @param maxFileBytes files larger than this are skipped ({@code files.max-file-bytes})
 * @param tenant the tenant of every published document
 * @param source the source of every published document, part of its docId
 * @param rescanInterval how often watch mode walks every root again, for changes its file events missed
 * @param settleDelay how long a file must stay quiet after an event before it is read, so a file being written is
 *     published once
 * @param includeMedia whether images, audio, video, fonts and style sheets are published too
 *     ({@code files.include-media}); by default they are skipped and counted as such: no parser reads knowledge from
 *     them, and a folder of an HTML manual holds more of them than pages
 */
public record FileLoaderConfig(
        List<Path> roots,
        List<String> include,
        List<String> exclude,
        long maxFileBytes,
        String tenant,
        String source,
        Duration rescanInterval,
        Duration settleDelay,
        boolean includeMedia) {

    public static final long DEFAULT_MAX_FILE_BYTES = 20L * 1024 * 1024;

    public FileLoaderConfig {
        roots = List.copyOf(roots);
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(source, "source");
        if (maxFileBytes <= 0) {
            throw new IllegalArgumentException(
                    "files.max-file-bytes is " + maxFileBytes + "; it must be positive (default 20 MiB)");
        }
        requirePositive("files.rescan-interval", rescanInterval);
        requirePositive("files.settle-delay", settleDelay);
    }

    /** No roots yet; every file but hidden ones and media, up to 20 MiB, rescanned every 5 minutes. */
    public static FileLoaderConfig defaults() {
        return new FileLoaderConfig(
                List.of(),
                List.of("**"),
                List.of("**/.*", "**/.*/**"),
                DEFAULT_MAX_FILE_BYTES,
                "default",
                "files",
                Duration.ofMinutes(5),
                Duration.ofMillis(500),
                false);
    }

    public FileLoaderConfig withRoots(Path... roots) {
        return new FileLoaderConfig(
                List.of(roots),
                include,
                exclude,
                maxFileBytes,
                tenant,
                source,
                rescanInterval,
                settleDelay,
                includeMedia);
    }

    public FileLoaderConfig withInclude(String... globs) {
        return new FileLoaderConfig(
                roots,
                List.of(globs),
                exclude,
                maxFileBytes,
                tenant,
                source,
                rescanInterval,
                settleDelay,
                includeMedia);
    }

    public FileLoaderConfig withExclude(String... globs) {
        return new FileLoaderConfig(
                roots,
                include,
                List.of(globs),
                maxFileBytes,
                tenant,
                source,
                rescanInterval,
                settleDelay,
                includeMedia);
    }

    public FileLoaderConfig withMaxFileBytes(long maxFileBytes) {
        return new FileLoaderConfig(
                roots, include, exclude, maxFileBytes, tenant, source, rescanInterval, settleDelay, includeMedia);
    }

    public FileLoaderConfig withRescanInterval(Duration rescanInterval) {
        return new FileLoaderConfig(
                roots, include, exclude, maxFileBytes, tenant, source, rescanInterval, settleDelay, includeMedia);
    }

    public FileLoaderConfig withIncludeMedia(boolean includeMedia) {
        return new FileLoaderConfig(
                roots, include, exclude, maxFileBytes, tenant, source, rescanInterval, settleDelay, includeMedia);
    }

    public FileLoaderConfig withSettleDelay(Duration settleDelay) {
        return new FileLoaderConfig(
                roots, include, exclude, maxFileBytes, tenant, source, rescanInterval, settleDelay, includeMedia);
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " is " + value + "; it must be positive");
        }
    }
}
