package io.ragstream.query;

import io.ragstream.embedding.Tokenizer;
import io.ragstream.store.ChunkRecord;
import io.ragstream.store.SearchHit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns ranked chunks into context for a prompt. The best chunks are taken in rank order while the context fits the
 * token budget (counted with the tokenizer of the model that will read it); a chunk that repeats one already taken
 * (the same paragraph on two pages) is dropped; chunks of one document are shown in document order, and consecutive
 * ones are joined into one passage without repeating their overlap. Each document is one numbered source and every
 * passage is marked with its number. Pure and thread-safe.
 */
public final class ContextAssembler {

    /** Two chunks sharing this share of their word triples say the same thing. */
    static final double NEAR_DUPLICATE = 0.9;

    private static final int MIN_OVERLAP_CHARS = 16;
    private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    private final Tokenizer tokenizer;

    public ContextAssembler(Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** The context of at most {@code maxTokens} tokens made from the hits, best first. */
    public AssembledContext assemble(List<SearchHit> hits, int maxTokens) {
        if (maxTokens <= 0) {
            throw new IllegalArgumentException("maxTokens is " + maxTokens + "; it must be > 0");
        }
        List<ChunkRecord> taken = new ArrayList<>();
        List<Set<String>> takenShingles = new ArrayList<>();
        Set<String> takenIds = new HashSet<>();
        AssembledContext context = render(taken);
        for (SearchHit hit : hits) {
            ChunkRecord chunk = hit.chunk();
            Set<String> shingles = shingles(chunk.text());
            if (takenIds.contains(chunk.chunkId()) || takenShingles.stream().anyMatch(s -> similar(s, shingles))) {
                continue;
            }
            taken.add(chunk);
            AssembledContext candidate = render(taken);
            if (candidate.tokenCount() <= maxTokens) {
                context = candidate;
                takenIds.add(chunk.chunkId());
                takenShingles.add(shingles);
            } else {
                taken.removeLast(); // too big: a smaller chunk further down may still fit
            }
        }
        return context;
    }

    private AssembledContext render(List<ChunkRecord> chunks) {
        Map<String, List<ChunkRecord>> byDocument = new LinkedHashMap<>(); // in order of each document's best rank
        for (ChunkRecord chunk : chunks) {
            byDocument.computeIfAbsent(chunk.docId(), d -> new ArrayList<>()).add(chunk);
        }
        StringBuilder text = new StringBuilder();
        List<AssembledContext.Source> sources = new ArrayList<>();
        int number = 0;
        for (List<ChunkRecord> document : byDocument.values()) {
            number++;
            List<ChunkRecord> ordered = document.stream()
                    .sorted(Comparator.comparingInt(ChunkRecord::ordinal))
                    .toList();
            ChunkRecord first = ordered.getFirst();
            for (String passage : passages(ordered)) {
                if (!text.isEmpty()) {
                    text.append("\n\n");
                }
                text.append('[').append(number).append("] ");
                first.title().ifPresent(title -> text.append(title).append('\n'));
                text.append(passage);
            }
            sources.add(new AssembledContext.Source(
                    number,
                    first.docId(),
                    first.title(),
                    first.uri(),
                    ordered.stream().map(ChunkRecord::chunkId).toList()));
        }
        String rendered = text.toString();
        return new AssembledContext(rendered, sources, rendered.isEmpty() ? 0 : tokenizer.count(rendered));
    }

    /** Consecutive chunks (ordinals n, n+1, ...) joined into one passage, the overlap of each pair written once. */
    private static List<String> passages(List<ChunkRecord> ordered) {
        List<String> passages = new ArrayList<>();
        StringBuilder current = new StringBuilder(ordered.getFirst().text());
        for (int i = 1; i < ordered.size(); i++) {
            ChunkRecord previous = ordered.get(i - 1);
            ChunkRecord chunk = ordered.get(i);
            if (chunk.ordinal() == previous.ordinal() + 1) {
                String next = chunk.text();
                int overlap = overlap(previous.text(), next);
                current.append(overlap > 0 ? next.substring(overlap) : " " + next);
            } else {
                passages.add(current.toString());
                current = new StringBuilder(chunk.text());
            }
        }
        passages.add(current.toString());
        return passages;
    }

    /** The length of the longest end of {@code before} that {@code after} starts with; 0 when shorter than 16 chars. */
    static int overlap(String before, String after) {
        int longest = Math.min(before.length(), after.length());
        for (int length = longest; length >= MIN_OVERLAP_CHARS; length--) {
            if (before.regionMatches(before.length() - length, after, 0, length)) {
                return length;
            }
        }
        return 0;
    }

    private static Set<String> shingles(String text) {
        // Letters and digits of any script: Korean words are words too.
        String[] words = NOT_WORD.split(text.toLowerCase(Locale.ROOT).strip());
        Set<String> shingles = new HashSet<>();
        for (int i = 0; i + 2 < words.length; i++) {
            shingles.add(words[i] + ' ' + words[i + 1] + ' ' + words[i + 2]);
        }
        if (shingles.isEmpty()) {
            shingles.add(String.join(" ", words));
        }
        return shingles;
    }

    private static boolean similar(Set<String> a, Set<String> b) {
        Set<String> smaller = a.size() <= b.size() ? a : b;
        Set<String> larger = smaller == a ? b : a;
        long shared = smaller.stream().filter(larger::contains).count();
        return shared >= NEAR_DUPLICATE * (a.size() + b.size() - shared);
    }
}
