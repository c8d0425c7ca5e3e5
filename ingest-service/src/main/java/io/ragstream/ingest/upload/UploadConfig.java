package io.ragstream.ingest.upload;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The upload API's settings, named {@code upload.*} in messages ({@code upload.max-body-bytes}, ...).
 *
 * @param httpPort the port the API listens on; 0 picks a free one
 * @param auth API keys, each mapped to the one tenant whose documents it writes
 * @param maxBodyBytes the largest request body; the API lowers it to what one {@code docs.raw} record holds when the
 *     sink says less
 * @param maxMetadataBytes the largest metadata and tags of one document, written as JSON
 * @param maxTags the most tags one document may carry; at most {@value #CONTRACT_MAX_TAGS}, the {@code docs.raw}
 *     contract's limit
 * @param allowedContentTypes the media types accepted, comma separated; {@code type/prefix.*} accepts every subtype that
 *     starts with {@code prefix.}
 * @param source the source of every uploaded document, part of its docId
 * @param maxConcurrentUploads the most uploads read and published at once; each holds its body several times over in
 *     memory, so more would run the service out of memory: beyond it an upload is answered 503 with Retry-After
 */
public record UploadConfig(
        int httpPort,
        Auth auth,
        long maxBodyBytes,
        int maxMetadataBytes,
        int maxTags,
        String allowedContentTypes,
        String source,
        int maxConcurrentUploads) {

    /** The most tags a {@code docs.raw} record may carry. */
    public static final int CONTRACT_MAX_TAGS = 64;

    public static final long DEFAULT_MAX_BODY_BYTES = 32L * 1024 * 1024;
    public static final int DEFAULT_MAX_METADATA_BYTES = 16 * 1024;
    /** Four bodies of 32 MiB, each held a few times over while it is decoded and published: about 0.5 GiB of heap. */
    public static final int DEFAULT_MAX_CONCURRENT_UPLOADS = 4;

    /** Text, office documents, PDF and structured text: the formats the chunker can parse. */
    public static final String DEFAULT_ALLOWED_CONTENT_TYPES = String.join(
            ",",
            "text/plain",
            "text/markdown",
            "text/html",
            "text/csv",
            "text/xml",
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.*",
            "application/msword",
            "application/rtf",
            "application/vnd.oasis.opendocument.text",
            "application/json",
            "application/xml");

    /** The {@code docs.raw} contract's rule for a source. */
    private static final Pattern SOURCE = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /**
     * API keys, each mapped to the tenant it writes for.
     *
     * @param keys {@code tenant:key} pairs separated by commas
     * @param keysFile a properties file of {@code key=tenant} lines
     */
    public record Auth(String keys, Optional<String> keysFile) {
        public Auth {
            Objects.requireNonNull(keys, "upload.auth.keys");
            keysFile = keysFile == null ? Optional.empty() : keysFile.filter(file -> !file.isBlank());
        }
    }

    public UploadConfig {
        Objects.requireNonNull(auth, "upload.auth");
        Objects.requireNonNull(allowedContentTypes, "upload.allowed-content-types");
        Objects.requireNonNull(source, "upload.source");
        if (httpPort < 0 || httpPort > 65_535) {
            throw new IllegalArgumentException("upload.http-port is " + httpPort + "; use 0 to 65535 (default 8081)");
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException(
                    "upload.max-body-bytes is " + maxBodyBytes + "; it must be positive (default 32 MiB)");
        }
        if (maxMetadataBytes <= 0) {
            throw new IllegalArgumentException(
                    "upload.max-metadata-bytes is " + maxMetadataBytes + "; it must be positive (default 16 KiB)");
        }
        if (maxTags < 0 || maxTags > CONTRACT_MAX_TAGS) {
            throw new IllegalArgumentException("upload.max-tags is " + maxTags + "; use 0 to " + CONTRACT_MAX_TAGS
                    + ", the most a docs.raw record may carry");
        }
        if (allowedContentTypes.isBlank()) {
            throw new IllegalArgumentException("upload.allowed-content-types is empty, so every upload would be"
                    + " refused; list media types such as text/plain,application/pdf");
        }
        if (maxConcurrentUploads <= 0) {
            throw new IllegalArgumentException("upload.max-concurrent-uploads is " + maxConcurrentUploads
                    + "; it must be positive (default " + DEFAULT_MAX_CONCURRENT_UPLOADS + ")");
        }
        if (!SOURCE.matcher(source).matches()) {
            throw new IllegalArgumentException("upload.source is '" + source + "'; a source is 1 to 64 of a-z, 0-9,"
                    + " '.', '_' and '-', starting with a letter or digit (default upload)");
        }
    }

    /**
     * Port 8081, no keys yet, 32 MiB bodies, 16 KiB of metadata, 64 tags, text, office and PDF formats, 4 uploads at
     * once.
     */
    public static UploadConfig defaults() {
        return new UploadConfig(
                8081,
                new Auth("", Optional.empty()),
                DEFAULT_MAX_BODY_BYTES,
                DEFAULT_MAX_METADATA_BYTES,
                CONTRACT_MAX_TAGS,
                DEFAULT_ALLOWED_CONTENT_TYPES,
                "upload",
                DEFAULT_MAX_CONCURRENT_UPLOADS);
    }

    public UploadConfig withHttpPort(int port) {
        return new UploadConfig(
                port, auth, maxBodyBytes, maxMetadataBytes, maxTags, allowedContentTypes, source, maxConcurrentUploads);
    }

    /** The same settings with {@code upload.auth.keys} replaced. */
    public UploadConfig withKeys(String keys) {
        return new UploadConfig(
                httpPort,
                new Auth(keys, auth.keysFile()),
                maxBodyBytes,
                maxMetadataBytes,
                maxTags,
                allowedContentTypes,
                source,
                maxConcurrentUploads);
    }

    public UploadConfig withMaxBodyBytes(long bytes) {
        return new UploadConfig(
                httpPort, auth, bytes, maxMetadataBytes, maxTags, allowedContentTypes, source, maxConcurrentUploads);
    }

    public UploadConfig withMaxMetadataBytes(int bytes) {
        return new UploadConfig(
                httpPort, auth, maxBodyBytes, bytes, maxTags, allowedContentTypes, source, maxConcurrentUploads);
    }

    public UploadConfig withMaxTags(int tags) {
        return new UploadConfig(
                httpPort,
                auth,
                maxBodyBytes,
                maxMetadataBytes,
                tags,
                allowedContentTypes,
                source,
                maxConcurrentUploads);
    }

    public UploadConfig withAllowedContentTypes(String... types) {
        return new UploadConfig(
                httpPort,
                auth,
                maxBodyBytes,
                maxMetadataBytes,
                maxTags,
                String.join(",", types),
                source,
                maxConcurrentUploads);
    }

    public UploadConfig withSource(String value) {
        return new UploadConfig(
                httpPort,
                auth,
                maxBodyBytes,
                maxMetadataBytes,
                maxTags,
                allowedContentTypes,
                value,
                maxConcurrentUploads);
    }

    public UploadConfig withMaxConcurrentUploads(int uploads) {
        return new UploadConfig(
                httpPort, auth, maxBodyBytes, maxMetadataBytes, maxTags, allowedContentTypes, source, uploads);
    }
}
