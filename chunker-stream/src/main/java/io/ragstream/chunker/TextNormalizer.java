package io.ragstream.chunker;

import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * Makes extracted text uniform before it is cut: Unicode NFC (so Korean syllables are one code point each), no control
 * characters, whitespace runs collapsed to one space, and at most one blank line in a row. It works on code points, so it
 * never splits a character.
 */
public final class TextNormalizer {

    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}\\p{Cf}&&[^\\n\\t\\u200D]]");
    private static final Pattern SPACES =
            Pattern.compile("[\\t\\x0B\\f\\r \\u00A0\\u2000-\\u200A\\u202F\\u205F\\u3000]+");
    private static final Pattern SPACE_AROUND_NEWLINE = Pattern.compile(" *\\n *");
    private static final Pattern BLANK_LINES = Pattern.compile("\\n{3,}");

    private TextNormalizer() {}

    /** The normalised form of a block of text, trimmed. */
    public static String normalize(String text) {
        String nfc = Normalizer.normalize(text.replace("\r\n", "\n"), Normalizer.Form.NFC);
        String noControls = CONTROL.matcher(nfc).replaceAll("");
        String spaces = SPACES.matcher(noControls).replaceAll(" ");
        String lines = SPACE_AROUND_NEWLINE.matcher(spaces).replaceAll("\n");
        return BLANK_LINES.matcher(lines).replaceAll("\n\n").strip();
    }
}
