package io.ragstream.chunker;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.Optional;

/** Reading media types and decoding text strictly: bytes that are not valid in their charset are an error, not noise. */
final class ContentTypes {

    private ContentTypes() {}

    /** The media type without parameters, lower-case: {@code text/html; charset=utf-8} gives {@code text/html}. */
    static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .strip()
                .toLowerCase(Locale.ROOT);
    }

    /** The charset parameter, when there is one. */
    static Optional<Charset> charset(String contentType) {
        for (String parameter : contentType.split(";")) {
            String[] pair = parameter.strip().split("=", 2);
            if (pair.length == 2 && pair[0].strip().equalsIgnoreCase("charset")) {
                String name = pair[1].strip().replace("\"", "");
                try {
                    return Optional.of(Charset.forName(name));
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    throw new ParseException("content type '" + contentType + "' names charset '" + name
                            + "', which this JVM does not know; send UTF-8 or a standard charset");
                }
            }
        }
        return Optional.empty();
    }

    /** Decodes text in its declared charset, failing on any byte sequence that charset cannot have. */
    static String decode(byte[] content, Charset charset, String uri) {
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ParseException("document " + uri + " is labelled " + charset.name() + " but is not valid "
                    + charset.name() + " (" + e.getMessage() + "); send it with its real charset");
        }
    }

    /** The UTF-8 charset after checking the bytes are valid UTF-8: the default when a text declares no charset. */
    static Charset decodeUtf8OrFail(byte[] content, String uri) {
        decode(content, StandardCharsets.UTF_8, uri);
        return StandardCharsets.UTF_8;
    }
}
