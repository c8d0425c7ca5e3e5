package io.ragstream.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One version of one document, as published on {@link Topics#DOCS_RAW} (schema version 1).
 *
 * <p>The JSON form is specified by {@code schemas/raw-document-v1.schema.json} in this module; outside producers publish
 * exactly that. Build instances with {@link #builder()}, which computes {@code contentHash} from the content.
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record RawDocument(
        int schemaVersion,
        String docId,
        String tenant,
        String source,
        String uri,
        Optional<String> title,
        String contentType,
        ContentEncoding contentEncoding,
        String content,
        String contentHash,
        Map<String, String> metadata,
        List<String> tags,
        Instant fetchedAt) {

    /** The only schema version this code writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    public RawDocument {
        Objects.requireNonNull(docId, "docId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(contentHash, "contentHash");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
        title = title == null ? Optional.empty() : title;
        contentEncoding = contentEncoding == null ? ContentEncoding.TEXT : contentEncoding;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** The document's raw bytes: the UTF-8 bytes of text content, or the decoded bytes of base64 content. */
    @JsonIgnore
    public byte[] contentBytes() {
        return switch (contentEncoding) {
            case TEXT -> content.getBytes(StandardCharsets.UTF_8);
            case BASE64 -> Base64.getDecoder().decode(content);
        };
    }

    /** The version of the document: the sha256 of its raw bytes. */
    @JsonIgnore
    public String version() {
        return contentHash;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link RawDocument}, deriving the content hash from the content so the two cannot disagree. */
    public static final class Builder {
        private String docId;
        private String tenant = "default";
        private String source;
        private String uri;
        private String title;
        private String contentType;
        private ContentEncoding contentEncoding = ContentEncoding.TEXT;
        private String content;
        private byte[] bytes;
        private Map<String, String> metadata = Map.of();
        private List<String> tags = List.of();
        private Instant fetchedAt;

        private Builder() {}

        public Builder docId(String docId) {
            this.docId = docId;
            return this;
        }

        public Builder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        public Builder source(String source) {
            this.source = source;
            return this;
        }

        public Builder uri(String uri) {
            this.uri = uri;
            return this;
        }

        public Builder title(String title) {
            this.title = title;
            return this;
        }

        /** The document as text; its hash is taken over its UTF-8 bytes. */
        public Builder text(String contentType, String text) {
            this.contentType = contentType;
            this.contentEncoding = ContentEncoding.TEXT;
            this.content = text;
            this.bytes = text.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /** The document as bytes (PDF, DOCX, ...); they travel base64-encoded. */
        public Builder bytes(String contentType, byte[] data) {
            this.contentType = contentType;
            this.contentEncoding = ContentEncoding.BASE64;
            this.content = Base64.getEncoder().encodeToString(data);
            this.bytes = data.clone();
            return this;
        }

        public Builder metadata(Map<String, String> metadata) {
            this.metadata = metadata;
            return this;
        }

        public Builder tags(List<String> tags) {
            this.tags = tags;
            return this;
        }

        public Builder fetchedAt(Instant fetchedAt) {
            this.fetchedAt = fetchedAt;
            return this;
        }

        /** Builds the document; the docId defaults to {@link Ids#docId(String, String, String)} of tenant, source, uri. */
        public RawDocument build() {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(content, "content: call text(...) or bytes(...)");
            String id = docId != null ? docId : Ids.docId(tenant, source, uri);
            return new RawDocument(
                    SCHEMA_VERSION,
                    id,
                    tenant,
                    source,
                    uri,
                    Optional.ofNullable(title),
                    contentType,
                    contentEncoding,
                    content,
                    Ids.contentHash(bytes),
                    metadata,
                    tags,
                    fetchedAt != null ? fetchedAt : Instant.now());
        }
    }
}
