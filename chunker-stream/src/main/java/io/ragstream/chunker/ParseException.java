package io.ragstream.chunker;

/**
 * A document cannot be turned into text for a reason retrying will not fix: corrupt, encrypted, over a limit, of an
 * unsupported type. It goes to the dead-letter topic with this message.
 */
public final class ParseException extends RuntimeException {

    public ParseException(String message) {
        super(message);
    }

    public ParseException(String message, Throwable cause) {
        super(message, cause);
    }
}
