package io.ragstream.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The document-level facts every chunk carries into the store, for filters and citations. */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record DocumentInfo(
        String source,
        String uri,
        Optional<String> title,
        String contentType,
        Map<String, String> metadata,
        List<String> tags,
        Instant fetchedAt) {

    public DocumentInfo {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(fetchedAt, "fetchedAt");
        title = title == null ? Optional.empty() : title;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** The document-level facts of a raw document; the title may be replaced by one found while parsing. */
    public static DocumentInfo of(RawDocument raw) {
        return new DocumentInfo(
                raw.source(), raw.uri(), raw.title(), raw.contentType(), raw.metadata(), raw.tags(), raw.fetchedAt());
    }
}
