package io.ragstream.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a document travels as text or as base64: text types whose bytes are valid UTF-8 go as text (readable on the
 * topic, smaller), everything else as the bytes themselves, so nothing is ever corrupted by a wrong decoding.
 */
public final class TextContent {

    private static final Set<String> TEXTUAL_APPLICATION_TYPES =
            Set.of("application/json", "application/xml", "application/yaml");

    private TextContent() {}

    /** Whether documents of this media type (parameters ignored) are text. */
    public static boolean isText(String contentType) {
        int semicolon = contentType.indexOf(';');
        String essence = (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .strip()
                .toLowerCase(Locale.ROOT);
        return essence.startsWith("text/")
                || TEXTUAL_APPLICATION_TYPES.contains(essence)
                || essence.endsWith("+xml")
                || essence.endsWith("+json");
    }

    /** The bytes as a string when they are valid UTF-8; empty otherwise. */
    public static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** The text of a text type when its bytes are UTF-8; empty when the document must travel as bytes. */
    public static Optional<String> asText(String contentType, byte[] bytes) {
        return isText(contentType) ? utf8(bytes) : Optional.empty();
    }
}
