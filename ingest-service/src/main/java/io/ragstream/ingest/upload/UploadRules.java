package io.ragstream.ingest.upload;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ragstream.ingest.MediaTypes;
import io.ragstream.model.Ids;
import io.ragstream.model.RawDocument;
import io.ragstream.model.json.Json;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules an upload must meet and the {@link RawDocument} it becomes. The tenant is the API key's; the client's id is
 * its own key for the document within that tenant, so {@code docId = Ids.docId(tenant, source, id)} and no tenant can
 * address another's documents.
 */
final class UploadRules {

    // The docs.raw contract's limits (schemas/raw-document-v1.schema.json): no setting can raise them.
    private static final int MAX_URI_CHARS = 8_192;
    private static final int MAX_TITLE_CHARS = 2_048;
    private static final int MAX_METADATA_ENTRIES = 64;
    private static final int MAX_METADATA_KEY_CHARS = 128;
    private static final int MAX_METADATA_VALUE_CHARS = 4_096;
    private static final int MAX_TAG_CHARS = 128;

    private final UploadConfig config;
    private final ContentTypes types;

    UploadRules(UploadConfig config) {
        this.config = config;
        this.types = new ContentTypes(config.allowedContentTypes());
    }

    /** The document's docId for the tenant and the client's id. */
    String docId(String tenant, String id) {
        return Ids.docId(tenant, config.source(), id);
    }

    /**
     * The client's id of the document: the one in the path; for {@code POST /v1/documents}, the body's id, else its
     * uri, else the uploaded file's name.
     */
    String id(Optional<String> pathId, Upload upload) {
        if (pathId.isPresent()) {
            if (upload.id().isPresent() && !upload.id().get().equals(pathId.get())) {
                throw RequestRefusedException.invalid(
                        "id",
                        "id '%s' in the body differs from '%s' in the path; leave it out of the body or make them equal"
                                .formatted(upload.id().get(), pathId.get()));
            }
            return checkedId(pathId.get());
        }
        return checkedId(upload.id()
                .or(upload::uri)
                .or(upload::fileName)
                .orElseThrow(() -> RequestRefusedException.invalid(
                        "id",
                        "the document has no id: send one in the field id (or uri), or PUT it to"
                                + " /v1/documents/{id}")));
    }

    /** A client's id: not blank, and no longer than a uri may be, as it stands in for the uri when there is none. */
    String checkedId(String id) {
        if (id.isBlank()) {
            throw RequestRefusedException.invalid("id", "id is blank; give the document a non-blank id");
        }
        if (id.length() > MAX_URI_CHARS) {
            throw RequestRefusedException.invalid(
                    "id", "id is %,d characters, above the limit of %,d".formatted(id.length(), MAX_URI_CHARS));
        }
        return id;
    }

    /**
     * The content type checked: a media type as the contract writes it (else 400), and one of
     * {@code upload.allowed-content-types} (else 415).
     */
    String contentType(String contentType, String field) {
        String stripped = contentType.strip();
        if (!ContentTypes.isMediaType(stripped)) {
            throw RequestRefusedException.invalid(
                    field, "'%s' is not a media type such as text/plain or application/pdf".formatted(contentType));
        }
        if (!types.allows(stripped)) {
            throw RequestRefusedException.unsupportedType(
                    Optional.of(field),
                    "content type %s is not accepted; upload.allowed-content-types accepts %s"
                            .formatted(ContentTypes.essence(stripped), types.allowed()));
        }
        return stripped;
    }

    /**
     * The document for the tenant under the client's id. Bytes of a text type that are valid UTF-8 travel as text, as
     * the other connectors send them; the version is the hash of the same bytes either way.
     */
    RawDocument document(String tenant, String id, Upload upload) {
        List<String> tags = tags(upload.tags());
        Map<String, String> metadata = metadata(upload.metadata(), tags);
        String uri = upload.uri().orElse(id);
        if (uri.isBlank() || uri.length() > MAX_URI_CHARS) {
            throw RequestRefusedException.invalid(
                    "uri", "uri must be 1 to %,d characters, not blank".formatted(MAX_URI_CHARS));
        }
        Optional<String> title = upload.title().filter(t -> !t.isBlank());
        if (title.isPresent() && title.get().length() > MAX_TITLE_CHARS) {
            throw RequestRefusedException.invalid(
                    "title",
                    "title is %,d characters, above the limit of %,d"
                            .formatted(title.get().length(), MAX_TITLE_CHARS));
        }
        RawDocument.Builder document = RawDocument.builder()
                .docId(docId(tenant, id))
                .tenant(tenant)
                .source(config.source())
                .uri(uri)
                .title(title.orElse(null))
                .metadata(metadata)
                .tags(tags);
        return switch (upload.content()) {
            case Upload.Text text ->
                document.text(upload.contentType(), text.text()).build();
            case Upload.Bytes bytes ->
                MediaTypes.isText(upload.contentType())
                        ? MediaTypes.utf8(bytes.bytes())
                                .map(text -> document.text(upload.contentType(), text))
                                .orElseGet(() -> document.bytes(upload.contentType(), bytes.bytes()))
                                .build()
                        : document.bytes(upload.contentType(), bytes.bytes()).build();
        };
    }

    private List<String> tags(List<String> tags) {
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (String tag : tags) {
            if (tag.isBlank() || tag.length() > MAX_TAG_CHARS) {
                throw RequestRefusedException.invalid(
                        "tags", "tag '%s' must be 1 to %d characters, not blank".formatted(tag, MAX_TAG_CHARS));
            }
            unique.add(tag);
        }
        if (unique.size() > config.maxTags()) {
            throw RequestRefusedException.invalid(
                    "tags",
                    "%d tags, above upload.max-tags=%d; send fewer tags".formatted(unique.size(), config.maxTags()));
        }
        return List.copyOf(unique);
    }

    private Map<String, String> metadata(Map<String, String> metadata, List<String> tags) {
        long bytes = jsonBytes(metadata) + jsonBytes(tags);
        if (bytes > config.maxMetadataBytes()) {
            throw RequestRefusedException.invalid(
                    "metadata",
                    "metadata and tags take %,d bytes as JSON, above upload.max-metadata-bytes=%,d; send less metadata"
                                    .formatted(bytes, config.maxMetadataBytes())
                            + " (the document's text belongs in its content) or raise the setting");
        }
        if (metadata.size() > MAX_METADATA_ENTRIES) {
            throw RequestRefusedException.invalid(
                    "metadata",
                    "metadata has %d entries, above the limit of %d".formatted(metadata.size(), MAX_METADATA_ENTRIES));
        }
        metadata.forEach((key, value) -> {
            if (key.isEmpty() || key.length() > MAX_METADATA_KEY_CHARS) {
                throw RequestRefusedException.invalid(
                        "metadata",
                        "metadata key '%s' must be 1 to %d characters".formatted(key, MAX_METADATA_KEY_CHARS));
            }
            if (value.length() > MAX_METADATA_VALUE_CHARS) {
                throw RequestRefusedException.invalid(
                        "metadata." + key,
                        "metadata value of '%s' is %,d characters, above the limit of %,d"
                                .formatted(key, value.length(), MAX_METADATA_VALUE_CHARS));
            }
        });
        return metadata;
    }

    private static long jsonBytes(Object value) {
        try {
            return Json.mapper().writeValueAsBytes(value).length;
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write metadata as JSON", e);
        }
    }
}
