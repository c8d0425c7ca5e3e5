package io.ragstream.model.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.ragstream.model.ContractViolationException;
import io.ragstream.model.ContractViolationException.Violation;
import io.ragstream.model.FieldLimits;
import io.ragstream.model.Ids;
import io.ragstream.model.RawDocument;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes {@link RawDocument} JSON, checking every record against the published JSON Schema
 * ({@value #SCHEMA_RESOURCE}) and against the rules a schema cannot state: the content hash must match the content, and
 * base64 content must decode.
 */
public final class RawDocumentCodec {

    /** Class-path location of the JSON Schema outside producers publish against. */
    public static final String SCHEMA_RESOURCE = "/schemas/raw-document-v1.schema.json";

    private static final String RECORD = "RawDocument";
    private static final RawDocumentCodec INSTANCE = new RawDocumentCodec();

    private final JsonSchema schema;

    private RawDocumentCodec() {
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .formatAssertionsEnabled(true)
                .failFast(false)
                .pathType(PathType.JSON_PATH)
                .build();
        try (InputStream in = RawDocumentCodec.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SCHEMA_RESOURCE + " is missing from the pipeline-model jar");
            }
            JsonNode schemaTree = Json.mapper().readTree(in);
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(schemaTree, config);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SCHEMA_RESOURCE, e);
        }
    }

    /** The shared codec; it holds only the compiled schema and is thread-safe. */
    public static RawDocumentCodec instance() {
        return INSTANCE;
    }

    /** Parses and checks one record value. */
    public RawDocument decode(byte[] json) {
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(json);
        } catch (IOException e) {
            throw violation("$", "json", "is not valid JSON: " + firstLine(e.getMessage()));
        }
        return decode(tree);
    }

    /** Checks an already parsed record value and converts it. */
    public RawDocument decode(JsonNode tree) {
        List<Violation> violations = validate(tree);
        if (!violations.isEmpty()) {
            throw new ContractViolationException(RECORD, violations);
        }
        try {
            return Json.mapper().treeToValue(tree, RawDocument.class);
        } catch (JsonProcessingException e) {
            throw violation("$", "json", "cannot be read as a RawDocument: " + firstLine(e.getMessage()));
        }
    }

    /** Writes a document as JSON, refusing one that breaks the schema, so a bad record never reaches the topic. */
    public byte[] encode(RawDocument document) {
        ObjectNode tree = Json.mapper().valueToTree(document);
        List<Violation> violations = validate(tree);
        if (!violations.isEmpty()) {
            throw new ContractViolationException(RECORD, violations);
        }
        try {
            return Json.mapper().writeValueAsBytes(tree);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write RawDocument " + document.docId(), e);
        }
    }

    /** Every rule the value breaks, most telling first; empty when it is a valid RawDocument. */
    public List<Violation> validate(JsonNode tree) {
        if (tree == null || !tree.isObject()) {
            return List.of(new Violation("$", "type", "must be a JSON object, found " + describe(tree)));
        }
        JsonNode version = tree.get("schemaVersion");
        if (version != null && version.isIntegralNumber() && version.asInt() != RawDocument.SCHEMA_VERSION) {
            return List.of(new Violation(
                    "$.schemaVersion",
                    "supported-version",
                    "is %s, an unknown schema version; this reader understands version %d only"
                            .formatted(version.asText(), RawDocument.SCHEMA_VERSION)));
        }
        List<Violation> violations = new ArrayList<>();
        for (ValidationMessage message : sorted(schema.validate(tree))) {
            violations.add(toViolation(message));
        }
        if (violations.isEmpty()) {
            checkSizesInBytes(tree, violations);
            checkContentAgainstHash(tree, violations);
        }
        return List.copyOf(violations);
    }

    /**
     * The limits a schema counts in characters but a store counts in UTF-8 bytes ({@link FieldLimits}): a URI or a tag
     * a store cannot keep is refused here, at the door, rather than by one store and not the other.
     */
    private static void checkSizesInBytes(JsonNode tree, List<Violation> violations) {
        checkBytes("$.uri", tree.get("uri"), FieldLimits.URI_BYTES, violations);
        JsonNode tags = tree.path("tags");
        for (int i = 0; i < tags.size(); i++) {
            checkBytes("$.tags[" + i + "]", tags.get(i), FieldLimits.TAG_BYTES, violations);
        }
    }

    private static void checkBytes(String field, JsonNode value, int maxBytes, List<Violation> violations) {
        if (value == null || !value.isTextual()) {
            return;
        }
        int bytes = FieldLimits.utf8Length(value.asText());
        if (bytes > maxBytes) {
            violations.add(new Violation(
                    field,
                    "max-utf8-bytes",
                    "is %,d bytes in UTF-8, above the %,d a store keeps; shorten it".formatted(bytes, maxBytes)));
        }
    }

    private static void checkContentAgainstHash(JsonNode tree, List<Violation> violations) {
        String content = tree.get("content").asText();
        boolean base64 = "base64".equals(tree.path("contentEncoding").asText("text"));
        byte[] raw;
        if (base64) {
            try {
                raw = Base64.getDecoder().decode(content);
            } catch (IllegalArgumentException e) {
                violations.add(new Violation("$.content", "base64", "is not valid base64: " + e.getMessage()));
                return;
            }
        } else {
            raw = content.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        String expected = Ids.contentHash(raw);
        String declared = tree.get("contentHash").asText();
        if (!expected.equals(declared)) {
            violations.add(new Violation(
                    "$.contentHash",
                    "sha256-of-content",
                    "is %s but the sha256 of the %s content is %s"
                            .formatted(declared, base64 ? "decoded" : "UTF-8", expected)));
        }
    }

    private static List<ValidationMessage> sorted(Set<ValidationMessage> messages) {
        return messages.stream()
                .sorted(Comparator.comparing(RawDocumentCodec::fieldOf).thenComparing(ValidationMessage::getType))
                .toList();
    }

    private static Violation toViolation(ValidationMessage message) {
        String field = fieldOf(message);
        String text = message.getMessage();
        String location = message.getInstanceLocation().toString();
        // The library prefixes its message with the instance location; the field is reported on its own.
        if (text.startsWith(location + ": ")) {
            text = text.substring(location.length() + 2);
        }
        return new Violation(field, message.getType(), text);
    }

    /** The path of the offending field; for a missing or unexpected property, the property itself. */
    private static String fieldOf(ValidationMessage message) {
        String location = message.getInstanceLocation().toString();
        String property = message.getProperty();
        boolean namesProperty =
                "required".equals(message.getType()) || "additionalProperties".equals(message.getType());
        return namesProperty && property != null ? location + "." + property : location;
    }

    private static ContractViolationException violation(String field, String rule, String message) {
        return new ContractViolationException(RECORD, List.of(new Violation(field, rule, message)));
    }

    private static String describe(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
