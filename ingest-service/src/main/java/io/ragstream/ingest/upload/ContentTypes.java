package io.ragstream.ingest.upload;

import io.ragstream.ingest.MediaTypes;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The media types the API accepts ({@code upload.allowed-content-types}), the type a file name suggests, and whether a
 * type's bytes can travel as text.
 */
final class ContentTypes {

    /** The {@code docs.raw} contract's rule for a content type: {@code type/subtype}, then optional parameters. */
    private static final Pattern MEDIA_TYPE =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\\s*;.*)?");

    private static final int CONTRACT_MAX_LENGTH = 255;

    private final String setting;
    private final List<String> allowed;

    /** @param setting media types separated by commas; one ending in {@code *} accepts every type it is a prefix of */
    ContentTypes(String setting) {
        this.allowed = Arrays.stream(setting.split(","))
                .map(ContentTypes::essence)
                .filter(type -> !type.isEmpty())
                .toList();
        this.setting = String.join(", ", allowed);
    }

    /** Whether the media type, without its parameters, is one of the allowed ones. */
    boolean allows(String contentType) {
        String essence = essence(contentType);
        return allowed.stream()
                .anyMatch(type -> type.endsWith("*")
                        ? essence.startsWith(type.substring(0, type.length() - 1))
                        : essence.equals(type));
    }

    /** The allowed types, for messages. */
    String allowed() {
        return setting;
    }

    /** Whether the string is a media type as the {@code docs.raw} contract writes it, e.g. {@code text/html; charset=utf-8}. */
    static boolean isMediaType(String contentType) {
        return contentType.length() <= CONTRACT_MAX_LENGTH
                && MEDIA_TYPE.matcher(contentType).matches();
    }

    /** {@code Text/HTML; charset=utf-8} is {@code text/html}. */
    static String essence(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .strip()
                .toLowerCase(Locale.ROOT);
    }

    /** The type a file name's extension stands for, when it is one of the formats the pipeline parses. */
    static Optional<String> guess(String fileName) {
        return MediaTypes.byFileName(fileName);
    }
}
