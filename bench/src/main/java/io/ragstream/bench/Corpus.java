package io.ragstream.bench;

import io.ragstream.embedding.Tokenizer;
import io.ragstream.embedding.Tokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jsoup.Jsoup;

/** The benchmark texts, cut from the sample corpus with the model's tokenizer. */
final class Corpus {

    private final List<String> documents;

    private Corpus(List<String> documents) {
        this.documents = documents;
    }

    /** Reads every Markdown and HTML document under the directory (HTML reduced to its text). */
    static Corpus load(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("corpus directory " + directory + " does not exist; pass --corpus DIR"
                    + " or run from the repository root, where samples/corpus is");
        }
        try (Stream<Path> files = Files.walk(directory)) {
            List<String> documents = files.filter(Files::isRegularFile)
                    .sorted()
                    .map(Corpus::text)
                    .filter(text -> !text.isBlank())
                    .toList();
            if (documents.isEmpty()) {
                throw new IllegalArgumentException("corpus directory " + directory + " holds no .md or .html file");
            }
            return new Corpus(documents);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read corpus " + directory, e);
        }
    }

    int documentCount() {
        return documents.size();
    }

    /** Consecutive windows of exactly {@code tokens} tokens over the whole corpus, repeated until there are {@code count}. */
    List<String> fixedPassages(Tokenizer tokenizer, int tokens, int count) {
        String all = String.join("\n\n", documents);
        Tokens encoded = tokenizer.encode(all);
        List<String> windows = new ArrayList<>();
        for (int start = 0; start + tokens <= encoded.size(); start += tokens) {
            int from = encoded.starts()[start];
            int end = start + tokens;
            // Never end a window between tokens that share one character.
            while (end < encoded.size() && encoded.starts()[end] < encoded.ends()[end - 1]) {
                end--;
            }
            String window = all.substring(from, encoded.ends()[end - 1]);
            if (tokenizer.count(window) == tokens) {
                windows.add(window);
            }
        }
        return repeat(windows, count);
    }

    /**
     * Chunks of real documents with their natural variety of lengths: consecutive paragraphs packed up to
     * {@code maxTokens}, a paragraph longer than that cut at a token boundary.
     */
    List<String> variableChunks(Tokenizer tokenizer, int maxTokens) {
        List<String> chunks = new ArrayList<>();
        for (String document : documents) {
            StringBuilder current = new StringBuilder();
            for (String paragraph : document.split("\\n\\s*\\n")) {
                String piece = paragraph.strip();
                if (piece.isEmpty()) {
                    continue;
                }
                String candidate = current.isEmpty() ? piece : current + "\n\n" + piece;
                if (tokenizer.count(candidate) <= maxTokens) {
                    current.setLength(0);
                    current.append(candidate);
                    continue;
                }
                if (!current.isEmpty()) {
                    chunks.add(current.toString());
                    current.setLength(0);
                }
                String rest = piece;
                while (tokenizer.count(rest) > maxTokens) {
                    String head = tokenizer.truncate(rest, maxTokens);
                    chunks.add(head);
                    rest = rest.substring(head.length()).strip();
                }
                current.append(rest);
            }
            if (!current.isEmpty()) {
                chunks.add(current.toString());
            }
        }
        return chunks;
    }

    private static List<String> repeat(List<String> items, int count) {
        if (items.isEmpty()) {
            throw new IllegalStateException("the corpus is too small to cut even one passage");
        }
        List<String> result = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            result.add(items.get(i % items.size()));
        }
        return result;
    }

    private static String text(Path file) {
        try {
            String content = Files.readString(file);
            String name = file.getFileName().toString();
            if (name.endsWith(".html") || name.endsWith(".htm")) {
                return Jsoup.parse(content).body().wholeText();
            }
            return name.endsWith(".md") ? content : "";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
