package io.ragstream.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model's own tokenizer, loaded offline from its {@code tokenizer.json} (DJL HuggingFace tokenizers). The chunker sizes
 * chunks with the very instance the embedder feeds the model with, so a chunk that fits by its count fits the model.
 * Thread-safe.
 */
public final class Tokenizer implements AutoCloseable {

    /** Padding and truncation are the embedder's business: the tokenizer must report every token of a text. */
    private static final Map<String, String> OPTIONS = Map.of(
            "addSpecialTokens", "true",
            "truncation", "false",
            "padding", "false");

    private final HuggingFaceTokenizer tokenizer;
    private final int specialTokenCount;

    private Tokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.specialTokenCount = tokenizer.encode("", true, false).getIds().length;
    }

    /** Loads a {@code tokenizer.json} file. */
    public static Tokenizer load(Path tokenizerJson) {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IllegalArgumentException("tokenizer file " + tokenizerJson + " does not exist; a model directory"
                    + " needs tokenizer.json beside model.onnx");
        }
        try {
            return new Tokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, OPTIONS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load tokenizer " + tokenizerJson, e);
        }
    }

    /** Loads a {@code tokenizer.json} from a stream, e.g. a class-path resource; the stream is not closed. */
    public static Tokenizer load(InputStream tokenizerJson) {
        try {
            return new Tokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson, OPTIONS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load tokenizer from stream", e);
        }
    }

    /** How many tokens the text is, not counting the special tokens the model adds around it. */
    public int count(String text) {
        return tokenizer.encode(text, false, false).getIds().length;
    }

    /** The text's tokens without special tokens, with the character span of each: what the chunker cuts by. */
    public Tokens encode(String text) {
        return toTokens(tokenizer.encode(text, false, false));
    }

    /** The text's tokens as the model reads them, special tokens included. */
    public Tokens encodeForModel(String text) {
        return toTokens(tokenizer.encode(text, true, false));
    }

    /** The special tokens the model adds to every text (2 for BERT-like models: [CLS] and [SEP]). */
    public int specialTokenCount() {
        return specialTokenCount;
    }

    /** The longest prefix of the text that is at most {@code maxTokens} tokens, cut at a token boundary. */
    public String truncate(String text, int maxTokens) {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens is " + maxTokens + "; it must be ≥ 0");
        }
        Tokens tokens = encode(text);
        if (tokens.size() <= maxTokens) {
            return text;
        }
        // Several tokens can share one character (a Hangul syllable becomes 2-3 jamo tokens): cut only where the
        // next token starts after the last kept one ends.
        int keep = maxTokens;
        while (keep > 0 && tokens.starts()[keep] < tokens.ends()[keep - 1]) {
            keep--;
        }
        return keep == 0 ? "" : text.substring(0, tokens.ends()[keep - 1]);
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private static Tokens toTokens(Encoding encoding) {
        CharSpan[] spans = encoding.getCharTokenSpans();
        int n = encoding.getIds().length;
        int[] starts = new int[n];
        int[] ends = new int[n];
        for (int i = 0; i < n; i++) {
            CharSpan span = spans[i];
            if (span != null) {
                starts[i] = span.getStart();
                ends[i] = span.getEnd();
            }
        }
        return new Tokens(encoding.getIds(), encoding.getTypeIds(), starts, ends);
    }
}
