package io.ragstream.ingest.upload;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import io.ragstream.model.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads an {@link Upload} from a request body: a JSON document, read strictly (an unknown field is refused by name, so a
 * {@code tenant} field is refused too), or a multipart form with the document as its part {@code file}.
 */
final class UploadReader {

    /**
     * The JSON body of an upload: exactly one of {@code text} and {@code base64}.
     *
     * @param id the client's own key for the document within its tenant
     * @param uri where the document lives, shown in citations; also its id when no id is given
     * @param base64 the document's bytes in base64 (RFC 4648, not URL-safe), for binary formats
     */
    record JsonDocument(
            Optional<String> id,
            Optional<String> uri,
            Optional<String> title,
            String contentType,
            Optional<String> text,
            Optional<String> base64,
            Map<String, String> metadata,
            List<String> tags) {}

    private static final String FILE_PART = "file";
    /** The form fields beside the file. */
    private static final Set<String> FORM_FIELDS = Set.of("id", "uri", "title", "metadata", "tags");

    private static final String OCTET_STREAM = "application/octet-stream";

    private final UploadRules rules;
    private final BodyLimit bodyLimit;
    private final ObjectReader documentReader;
    private final ObjectReader metadataReader;

    UploadReader(UploadRules rules, BodyLimit bodyLimit) {
        this.rules = rules;
        this.bodyLimit = bodyLimit;
        ObjectMapper strict = Json.mapper().copy();
        // Jackson stops at 20 million characters a string; a document's text or base64 may take the whole body.
        strict.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength((int) Math.min(Integer.MAX_VALUE, bodyLimit.bytes()))
                        .build());
        // The shared mapper turns 5 into "5" for a string field; a client that sends a number meant something else.
        strict.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        ObjectReader reader = strict.reader()
                .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        this.documentReader = reader.forType(JsonDocument.class);
        this.metadataReader = reader.forType(new TypeReference<Map<String, String>>() {});
    }

    /** An upload from a JSON body, read as it streams in; the stream ends the read past {@code upload.max-body-bytes}. */
    Upload json(InputStream body) throws LimitedInputStream.TooLargeException {
        JsonDocument request = parse(() -> documentReader.readValue(body), "");
        if (request == null) {
            throw RequestRefusedException.invalid("the request body is null; send a JSON object with contentType and"
                    + " the document in text or base64");
        }
        if (request.contentType() == null) {
            throw RequestRefusedException.invalid(
                    "contentType", "contentType is missing; say what the document is, e.g. text/markdown");
        }
        String contentType = rules.contentType(request.contentType(), "contentType");
        Upload.Content content = content(request);
        return new Upload(
                request.id(),
                request.uri(),
                request.title(),
                Optional.empty(),
                contentType,
                content,
                metadata(request.metadata()),
                tags(request.tags()));
    }

    /**
     * An upload from a multipart form: the part {@code file}, and the fields id, uri, title, metadata (a JSON object
     * of strings) and tags (comma separated). Jetty keeps file parts on disk while it reads them, within
     * {@code upload.max-body-bytes}.
     */
    Upload multipart(Context ctx) throws LimitedInputStream.TooLargeException {
        Map<String, List<UploadedFile>> files;
        Map<String, List<String>> fields;
        try {
            files = ctx.uploadedFileMap();
            // Javalin lists every part here, a file part with no values.
            fields = ctx.formParamMap().entrySet().stream()
                    .filter(field -> !field.getValue().isEmpty())
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        } catch (Exception e) { // Jetty's ServletException, though Javalin's Kotlin does not declare it
            throw multipartRefused(e);
        }
        for (String name : fields.keySet()) {
            if (name.equals(FILE_PART)) {
                throw RequestRefusedException.invalid(
                        FILE_PART,
                        "part file has no file name, so it is not a file; send it with one (curl -F file=@guide.md)");
            }
            if (!FORM_FIELDS.contains(name)) {
                throw RequestRefusedException.invalid(
                        name, "unknown form field '%s'; the fields are %s".formatted(name, fieldNames()));
            }
            if (fields.get(name).size() > 1) {
                throw RequestRefusedException.invalid(name, "form field '%s' is sent more than once".formatted(name));
            }
        }
        for (String name : files.keySet()) {
            if (!name.equals(FILE_PART)) {
                throw RequestRefusedException.invalid(
                        name, "unknown file part '%s'; send the document as the part file".formatted(name));
            }
        }
        List<UploadedFile> parts = files.getOrDefault(FILE_PART, List.of());
        if (parts.size() != 1) {
            throw RequestRefusedException.invalid(
                    FILE_PART,
                    parts.isEmpty()
                            ? "no part file: send the document as the part file (curl -F file=@guide.md)"
                            : "%d parts named file; send one document per request".formatted(parts.size()));
        }
        UploadedFile file = parts.getFirst();
        String fileName = baseName(file.filename());
        String contentType = rules.contentType(partContentType(file, fileName), FILE_PART);
        byte[] bytes = read(file);
        if (bytes.length == 0) {
            throw RequestRefusedException.invalid(
                    FILE_PART, "file '%s' is empty; an empty document cannot be indexed".formatted(fileName));
        }
        Optional<String> metadata = field(fields, "metadata");
        return new Upload(
                field(fields, "id"),
                field(fields, "uri"),
                field(fields, "title"),
                Optional.of(fileName).filter(name -> !name.isBlank()),
                contentType,
                new Upload.Bytes(bytes),
                metadata.isEmpty()
                        ? Map.of()
                        : metadata(parse(() -> metadataReader.readValue(metadata.get()), "metadata")),
                field(fields, "tags")
                        .map(tags -> Arrays.stream(tags.split(","))
                                .map(String::strip)
                                .filter(tag -> !tag.isEmpty())
                                .toList())
                        .orElse(List.of()));
    }

    private static Upload.Content content(JsonDocument request) {
        if (request.text().isPresent() && request.base64().isPresent()) {
            throw RequestRefusedException.invalid(
                    "base64", "send the document in text or in base64, not both: text for text, base64 for bytes");
        }
        if (request.text().isPresent()) {
            if (request.text().get().isEmpty()) {
                throw RequestRefusedException.invalid("text", "text is empty; an empty document cannot be indexed");
            }
            return new Upload.Text(request.text().get());
        }
        if (request.base64().isPresent()) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(request.base64().get());
            } catch (IllegalArgumentException e) {
                throw RequestRefusedException.invalid(
                        "base64",
                        "base64 is not valid base64 (RFC 4648, no line breaks, not URL-safe): " + e.getMessage());
            }
            if (bytes.length == 0) {
                throw RequestRefusedException.invalid("base64", "base64 is empty; an empty document cannot be indexed");
            }
            return new Upload.Bytes(bytes);
        }
        throw RequestRefusedException.invalid(
                "text", "the document has no content: send its text in text, or its bytes in base64");
    }

    private static Map<String, String> metadata(Map<String, String> metadata) {
        if (metadata == null) {
            return Map.of();
        }
        metadata.forEach((key, value) -> {
            if (value == null) {
                throw RequestRefusedException.invalid(
                        "metadata." + key, "metadata value of '%s' is null; values are strings".formatted(key));
            }
        });
        return metadata;
    }

    private static List<String> tags(List<String> tags) {
        if (tags == null) {
            return List.of();
        }
        for (int i = 0; i < tags.size(); i++) {
            if (tags.get(i) == null) {
                throw RequestRefusedException.invalid("tags[" + i + "]", "tags[" + i + "] is null; tags are strings");
            }
        }
        return tags;
    }

    /** The part's own type, unless it is missing or says only "bytes": then the one its file name stands for. */
    private static String partContentType(UploadedFile file, String fileName) {
        Optional<String> declared = Optional.ofNullable(file.contentType())
                .filter(type -> !type.isBlank() && !ContentTypes.essence(type).equals(OCTET_STREAM));
        return declared.or(() -> ContentTypes.guess(fileName))
                .orElseThrow(() -> RequestRefusedException.unsupportedType(
                        Optional.of(FILE_PART),
                        ("cannot tell the content type of file '%s': send the part with a Content-Type header"
                                        + " (curl -F 'file=@%s;type=application/pdf')")
                                .formatted(fileName, fileName)));
    }

    private byte[] read(UploadedFile file) throws LimitedInputStream.TooLargeException {
        try (InputStream in = new LimitedInputStream(file.content(), bodyLimit.bytes())) {
            return in.readAllBytes();
        } catch (LimitedInputStream.TooLargeException e) {
            throw e;
        } catch (IOException e) {
            throw RequestRefusedException.invalid(FILE_PART, "cannot read the part file: " + e.getMessage());
        }
    }

    private static Optional<String> field(Map<String, List<String>> fields, String name) {
        return Optional.ofNullable(fields.get(name)).map(List::getFirst);
    }

    /** Browsers on some systems send the whole path of the file; only its name is the client's to give. */
    private static String baseName(String fileName) {
        String name = fileName == null ? "" : fileName;
        return name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    }

    /** One read of JSON, for {@link #parse}. */
    private interface JsonRead<T> {
        T read() throws IOException;
    }

    /** Reads JSON, refusing what is not valid; errors name the field, under {@code within} (empty for the body). */
    private static <T> T parse(JsonRead<T> read, String within) throws LimitedInputStream.TooLargeException {
        try {
            return read.read();
        } catch (UnrecognizedPropertyException e) {
            String name = name(within, e);
            String hint = name.equals("tenant") ? ": the tenant is the API key's and cannot be set" : "";
            throw RequestRefusedException.invalid(
                    name,
                    "unknown field '%s'%s; the fields are %s"
                            .formatted(
                                    name,
                                    hint,
                                    new TreeSet<>(e.getKnownPropertyIds().stream()
                                            .map(Object::toString)
                                            .toList())));
        } catch (MismatchedInputException e) {
            String name = name(within, e);
            if (name.isEmpty()) {
                // Jackson's words here name our classes: say it in the API's.
                throw RequestRefusedException.invalid("the request body is not one JSON object; send"
                        + " {\"contentType\": \"text/plain\", \"text\": \"...\"} with the fields you need");
            }
            throw RequestRefusedException.invalid(name, "field '%s' must be %s".formatted(name, expected(e)));
        } catch (JsonProcessingException e) {
            throw within.isEmpty()
                    ? RequestRefusedException.invalid("the request body is not valid JSON: " + firstLine(e))
                    : RequestRefusedException.invalid(within, within + " is not a valid JSON object: " + firstLine(e));
        } catch (LimitedInputStream.TooLargeException e) {
            throw e;
        } catch (IOException e) {
            throw RequestRefusedException.invalid("cannot read the request body: " + e.getMessage());
        }
    }

    /** What the field holds, in the API's words rather than Jackson's, which name Java types. */
    private static String expected(MismatchedInputException e) {
        Class<?> type = e.getTargetType();
        if (type == null) {
            return "of another type";
        } else if (CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        } else if (Collection.class.isAssignableFrom(type)) {
            return "an array of strings";
        } else if (Map.class.isAssignableFrom(type)) {
            return "an object whose values are strings";
        }
        return "of another type";
    }

    /** {@code metadata.lang}, {@code tags[2]}: the JSON path of the field to blame. */
    private static String name(String within, MismatchedInputException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
        return within.isEmpty() ? path : path.isEmpty() ? within : within + "." + path;
    }

    private static String firstLine(JsonProcessingException e) {
        return e.getOriginalMessage()
                .replaceAll("\\s+at \\[.*", "")
                .lines()
                .findFirst()
                .orElse("");
    }

    private static String fieldNames() {
        return new TreeSet<>(FORM_FIELDS) + " and the file part " + FILE_PART;
    }

    /** Jetty's multipart parser says a limit was passed only in its message ("max length exceeded: ..."). */
    private RuntimeException multipartRefused(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (message.contains("exceeded")) {
                return bodyLimit.refusal("the multipart body goes on past its limit, where reading stopped");
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return RequestRefusedException.invalid("the multipart body cannot be read: " + root.getMessage());
    }
}
