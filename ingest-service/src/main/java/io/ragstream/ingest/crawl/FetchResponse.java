package io.ragstream.ingest.crawl;

import java.net.http.HttpHeaders;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** One HTTP response: its status, headers and, for a 2xx answer, its body. */
record FetchResponse(int status, HttpHeaders headers, byte[] body) {

    private static final String OCTET_STREAM = "application/octet-stream";
    /** The media types the raw document schema accepts. */
    private static final Pattern CONTENT_TYPE =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\\s*;.*)?");

    private static final int MAX_CONTENT_TYPE_CHARS = 255;

    boolean isRedirect() {
        return (status == 301 || status == 302 || status == 303 || status == 307 || status == 308)
                && headers.firstValue("Location").isPresent();
    }

    boolean isPermanentRedirect() {
        return status == 301 || status == 308;
    }

    Optional<String> header(String name) {
        return headers.firstValue(name);
    }

    /** The {@code Content-Type} as the server sent it, or {@code application/octet-stream} when absent or malformed. */
    String contentType() {
        return header("Content-Type")
                .map(String::strip)
                .filter(type -> type.length() <= MAX_CONTENT_TYPE_CHARS
                        && CONTENT_TYPE.matcher(type).matches())
                .orElse(OCTET_STREAM);
    }

    /** The media type without parameters, lower case: {@code text/html}. */
    String mediaType() {
        String type = contentType();
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    /** The {@code charset} parameter of the content type, when it names a charset this JVM has. */
    Optional<Charset> charset() {
        for (String parameter : contentType().split(";")) {
            String[] pair = parameter.strip().split("=", 2);
            if (pair.length == 2 && pair[0].strip().equalsIgnoreCase("charset")) {
                String name = pair[1].strip().replace("\"", "");
                try {
                    return Charset.isSupported(name) ? Optional.of(Charset.forName(name)) : Optional.empty();
                } catch (IllegalCharsetNameException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
