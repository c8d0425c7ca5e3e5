package io.ragstream.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides what of a setting's value may be shown in a log line or an error. A value is masked by what it is, not only by
 * what its key is called: a key whose name says secret hides its whole value, and in any value the credentials of a URI,
 * a {@code password=...} pair and anything that looks like key material (a long run of letters and digits, as API keys,
 * tokens, base64 and hex are) are replaced by {@code ****}.
 */
public final class Secrets {

    /** Shown instead of a secret. */
    public static final String MASK = "****";

    /**
     * Keys whose last word names a secret: milvus.token, api-key, ssl.key.password, sasl.jaas.config, auth.keys; not
     * max-tokens.
     */
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i)(.*[.-])?(password|passwd|secret|token|api-?key|access-?key|keys|credentials?|jaas\\.config)");

    /** The user information of a URI: {@code https://user:password@host}. */
    private static final Pattern URI_CREDENTIALS = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]+@");

    /** A {@code name=value} pair whose name says secret, inside a longer value (a JAAS line, a query string). */
    private static final Pattern SECRET_PAIR = Pattern.compile(
            "(?i)(?<![a-z])((?:password|passwd|secret|token|api[-_]?key|access[-_]?key)\\s*[=:]\\s*)(\"[^\"]*\"|[^\\s,;&\"]+)");

    /** A run that may be key material: letters, digits and the signs of base64, URL-safe base64 and key prefixes. */
    private static final Pattern RUN = Pattern.compile("[A-Za-z0-9+/_=~-]{16,}");

    private Secrets() {}

    /** Whether a setting of this name holds a secret as a whole. */
    public static boolean isSecretKey(String key) {
        return SECRET_KEY.matcher(key).matches();
    }

    /** The value as it may be shown for this key. */
    public static String mask(String key, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        return isSecretKey(key) ? MASK : mask(value);
    }

    /** The text with every credential and every run that looks like key material replaced by {@link #MASK}. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = URI_CREDENTIALS.matcher(text).replaceAll("$1" + MASK + "@");
        masked = SECRET_PAIR.matcher(masked).replaceAll("$1" + MASK);
        Matcher runs = RUN.matcher(masked);
        StringBuilder result = new StringBuilder();
        while (runs.find()) {
            runs.appendReplacement(
                    result, Matcher.quoteReplacement(looksLikeKeyMaterial(runs.group()) ? MASK : runs.group()));
        }
        runs.appendTail(result);
        return result.toString();
    }

    /**
     * Generated keys mix letters and digits throughout (sk-..., base64, hex, UUIDs); names, paths and model ids are words
     * with a digit or two. A run that starts with {@code /} is a path.
     */
    static boolean looksLikeKeyMaterial(String run) {
        if (run.startsWith("/")) {
            return false;
        }
        int digits = 0;
        int letters = 0;
        for (int i = 0; i < run.length(); i++) {
            char c = run.charAt(i);
            if (Character.isDigit(c)) {
                digits++;
            } else if (Character.isLetter(c)) {
                letters++;
            }
        }
        return digits >= 4 && letters >= 4 || digits >= 16;
    }
}
