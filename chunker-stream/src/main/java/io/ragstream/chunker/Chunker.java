package io.ragstream.chunker;

import io.ragstream.embedding.Tokenizer;
import io.ragstream.embedding.Tokens;
import io.ragstream.model.Chunk;
import io.ragstream.model.Ids;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Cuts a parsed document into chunks that fit the embedding model: sections by heading, then paragraphs, sentences,
 * words and, for text with no breaks at all, token boundaries; consecutive pieces of a section are packed up to the token
 * budget, each chunk repeating a little of the previous one. Token counts come from the model's own tokenizer, and every
 * chunk is counted again before it is emitted, so none is ever longer than the model reads. Thread-safe.
 */
public final class Chunker {

    private final Tokenizer tokenizer;
    private final ChunkerSettings settings;

    public Chunker(Tokenizer tokenizer, ChunkerSettings settings) {
        this.tokenizer = tokenizer;
        this.settings = settings;
    }

    public ChunkerSettings settings() {
        return settings;
    }

    /** The chunks of one version of a document, with ids from {@link Ids#chunkId}. */
    public List<Chunk> chunk(String docId, long sequence, ParsedDocument document) {
        Layout layout = Layout.of(document.blocks());
        Cut cut = new Cut(layout.text(), new TokenIndex(tokenizer.encode(layout.text())));
        List<Chunk> chunks = new ArrayList<>();
        for (Section section : layout.sections()) {
            List<Span> pieces = new ArrayList<>();
            for (Span block : section.blocks()) {
                cut.fit(block, pieces);
            }
            for (Span span : cut.pack(pieces)) {
                emit(docId, sequence, layout.text(), span, section.headingPath(), chunks);
            }
        }
        return List.copyOf(chunks);
    }

    /** Adds the chunk, after counting it with the tokenizer itself; a span the index misjudged is cut again. */
    private void emit(String docId, long sequence, String text, Span span, List<String> path, List<Chunk> out) {
        int start = span.start();
        while (start < span.end()) {
            String piece = text.substring(start, span.end());
            int tokens = tokenizer.count(piece);
            if (tokens > settings.maxTokens()) {
                piece = tokenizer.truncate(piece, settings.maxTokens());
                if (piece.isEmpty()) {
                    throw new IllegalStateException("cannot cut " + docId + " at offset " + start + " into chunks of "
                            + settings.maxTokens() + " tokens");
                }
                tokens = tokenizer.count(piece);
            }
            int ordinal = out.size();
            out.add(new Chunk(
                    Ids.chunkId(docId, sequence, ordinal),
                    ordinal,
                    piece,
                    tokens,
                    start,
                    start + piece.length(),
                    path));
            start = skipSpaces(text, start + piece.length(), span.end());
        }
    }

    /** A character range [start, end) of the normalised text. */
    private record Span(int start, int end) {
        int length() {
            return end - start;
        }
    }

    /** Consecutive blocks under one heading path. */
    private record Section(List<String> headingPath, List<Span> blocks) {}

    /** The normalised text of a document: its blocks joined by blank lines, and where each block and section lies. */
    private record Layout(String text, List<Section> sections) {

        static Layout of(List<Block> blocks) {
            StringBuilder text = new StringBuilder();
            List<Section> sections = new ArrayList<>();
            List<String> path = null;
            List<Span> current = null;
            for (Block block : blocks) {
                if (!text.isEmpty()) {
                    text.append("\n\n");
                }
                Span span = new Span(text.length(), text.length() + block.text().length());
                text.append(block.text());
                if (current == null || !block.headingPath().equals(path)) {
                    path = block.headingPath();
                    current = new ArrayList<>();
                    sections.add(new Section(path, current));
                }
                current.add(span);
            }
            return new Layout(text.toString(), sections);
        }
    }

    /** Token counts of any range of the text, from one tokenization of the whole. */
    private record TokenIndex(int[] starts, int[] ends) {

        TokenIndex(Tokens tokens) {
            this(tokens.starts(), tokens.ends());
        }

        /** The tokens that start inside [from, to). */
        int count(int from, int to) {
            return firstAtOrAfter(to) - firstAtOrAfter(from);
        }

        int firstAtOrAfter(int position) {
            int index = Arrays.binarySearch(starts, position);
            if (index < 0) {
                return -index - 1;
            }
            while (index > 0 && starts[index - 1] == position) {
                index--; // several tokens can share one start (a Hangul syllable spelt as jamo)
            }
            return index;
        }
    }

    /** The cutting of one document's text. */
    private final class Cut {
        private final String text;
        private final TokenIndex tokens;

        Cut(String text, TokenIndex tokens) {
            this.text = text;
            this.tokens = tokens;
        }

        private boolean fits(int from, int to) {
            return to - from <= settings.maxChunkChars() && tokens.count(from, to) <= settings.maxTokens();
        }

        /** Adds the span as one piece if it fits, else its sentences, else its words, else token-sized cuts. */
        void fit(Span span, List<Span> out) {
            if (fits(span.start(), span.end())) {
                out.add(span);
                return;
            }
            List<Span> sentences = sentences(span);
            if (sentences.size() > 1) {
                sentences.forEach(sentence -> fit(sentence, out));
                return;
            }
            List<Span> words = words(span);
            if (words.size() > 1) {
                for (Span group : pack(words, false)) {
                    if (fits(group.start(), group.end())) {
                        out.add(group);
                    } else {
                        hardSplit(group, out);
                    }
                }
                return;
            }
            hardSplit(span, out);
        }

        /** Packs consecutive pieces into chunk spans, each repeating the end of the one before. */
        List<Span> pack(List<Span> pieces) {
            return pack(pieces, settings.overlapTokens() > 0);
        }

        private List<Span> pack(List<Span> pieces, boolean overlap) {
            List<Span> packed = new ArrayList<>();
            int i = 0;
            int overlapStart = -1;
            while (i < pieces.size()) {
                int start = pieces.get(i).start();
                if (overlapStart >= 0 && fits(overlapStart, pieces.get(i).end())) {
                    start = overlapStart;
                }
                int end = pieces.get(i).end();
                int next = i + 1;
                while (next < pieces.size() && fits(start, pieces.get(next).end())) {
                    end = pieces.get(next).end();
                    next++;
                }
                packed.add(new Span(start, end));
                overlapStart = overlap && next < pieces.size()
                        ? overlapStart(pieces.get(i).start(), end)
                        : -1;
                i = next;
            }
            return packed;
        }

        /**
         * Where the repeated end of a chunk starts: the earliest sentence start, failing that word start, after
         * {@code from} from which at most {@code overlapTokens} tokens remain; -1 when none.
         */
        private int overlapStart(int from, int end) {
            int best = -1;
            for (Span sentence : sentences(new Span(from, end))) {
                if (sentence.start() > from && tokens.count(sentence.start(), end) <= settings.overlapTokens()) {
                    return sentence.start();
                }
            }
            for (int position = end - 1; position > from; position--) {
                if (Character.isWhitespace(text.charAt(position - 1))
                        && !Character.isWhitespace(text.charAt(position))) {
                    if (tokens.count(position, end) > settings.overlapTokens()) {
                        break;
                    }
                    best = position;
                }
            }
            return best;
        }

        /** Cuts a span with no usable breaks at token boundaries (never between tokens sharing a character). */
        private void hardSplit(Span span, List<Span> out) {
            int start = span.start();
            while (start < span.end()) {
                int end = Math.min(span.end(), start + settings.maxChunkChars());
                int first = tokens.firstAtOrAfter(start);
                int limit = first + settings.maxTokens();
                if (limit < tokens.starts().length && tokens.starts()[limit] < end) {
                    while (limit > first + 1 && tokens.starts()[limit] < tokens.ends()[limit - 1]) {
                        limit--;
                    }
                    end = Math.max(tokens.starts()[limit], start + 1);
                }
                if (end < span.end() && Character.isLowSurrogate(text.charAt(end))) {
                    end--; // never split a surrogate pair
                }
                out.add(new Span(start, end));
                start = skipSpaces(text, end, span.end());
            }
        }

        private List<Span> sentences(Span span) {
            BreakIterator boundaries = BreakIterator.getSentenceInstance(Locale.ROOT);
            boundaries.setText(text.substring(span.start(), span.end()));
            List<Span> result = new ArrayList<>();
            int from = boundaries.first();
            for (int to = boundaries.next(); to != BreakIterator.DONE; from = to, to = boundaries.next()) {
                trimmed(span.start() + from, span.start() + to).ifPresent(result::add);
            }
            return result;
        }

        private List<Span> words(Span span) {
            List<Span> result = new ArrayList<>();
            int position = span.start();
            while (position < span.end()) {
                position = skipSpaces(text, position, span.end());
                int end = position;
                while (end < span.end() && !Character.isWhitespace(text.charAt(end))) {
                    end++;
                }
                if (end > position) {
                    result.add(new Span(position, end));
                }
                position = end;
            }
            return result;
        }

        private java.util.Optional<Span> trimmed(int from, int to) {
            int start = skipSpaces(text, from, to);
            int end = to;
            while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
                end--;
            }
            return end > start ? java.util.Optional.of(new Span(start, end)) : java.util.Optional.empty();
        }
    }

    private static int skipSpaces(String text, int from, int to) {
        int position = from;
        while (position < to && Character.isWhitespace(text.charAt(position))) {
            position++;
        }
        return position;
    }
}
