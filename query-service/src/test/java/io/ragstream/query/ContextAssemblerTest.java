package io.ragstream.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.embedding.OnnxModel;
import io.ragstream.embedding.Tokenizer;
import io.ragstream.store.ChunkRecord;
import io.ragstream.store.SearchHit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ContextAssemblerTest {

    private static Tokenizer tokenizer;
    private static ContextAssembler assembler;

    @BeforeAll
    static void load() {
        tokenizer = OnnxModel.bgeSmallEnV15Quantized().loadTokenizer();
        assembler = new ContextAssembler(tokenizer);
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void contextNeverExceedsTheTokenBudget() throws IOException {
        List<SearchHit> hits = corpusParagraphs();
        for (int budget : new int[] {16, 64, 200, 512, 2_000}) {
            AssembledContext context = assembler.assemble(hits, budget);

            assertThat(context.tokenCount())
                    .isEqualTo(tokenizer.count(context.text()))
                    .isLessThanOrEqualTo(budget);
            if (budget >= 200) {
                assertThat(context.sources()).isNotEmpty();
            }
        }
    }

    @Test
    void everyMarkerCitesASourceAndEverySourceIsCited() throws IOException {
        AssembledContext context = assembler.assemble(corpusParagraphs(), 1_500);

        Set<Integer> markers = new TreeSet<>();
        Matcher matcher = Pattern.compile("\\[(\\d+)]").matcher(context.text());
        while (matcher.find()) {
            markers.add(Integer.parseInt(matcher.group(1)));
        }
        assertThat(markers)
                .containsExactlyElementsOf(context.sources().stream()
                        .map(AssembledContext.Source::number)
                        .toList());
        assertThat(context.sources())
                .extracting(AssembledContext.Source::number)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(
                                1, context.sources().size())
                        .boxed()
                        .toList());
    }

    @Test
    void consecutiveChunksOfADocumentAreJoinedInOrderWithoutRepeatingTheirOverlap() {
        String overlap = "The overlap sentence repeats here.";
        ChunkRecord first = chunk("kb:guide", 0, "Setup starts with a broker. " + overlap);
        ChunkRecord second = chunk("kb:guide", 1, overlap + " Then the chunker reads docs.raw.");
        ChunkRecord third = chunk("kb:guide", 2, "Finally the embedder writes vectors.");

        // Ranked out of order: the best hit is the middle of the document.
        AssembledContext context = assembler.assemble(hits(second, third, first), 512);

        assertThat(context.sources()).singleElement().satisfies(source -> {
            assertThat(source.number()).isEqualTo(1);
            assertThat(source.chunkIds()).containsExactly(first.chunkId(), second.chunkId(), third.chunkId());
        });
        assertThat(context.text())
                .isEqualTo("[1] Guide\nSetup starts with a broker. " + overlap
                        + " Then the chunker reads docs.raw. Finally the embedder writes vectors.");
    }

    @Test
    void theSameParagraphPublishedTwiceIsQuotedOnce() {
        String paragraph = "A dead-letter queue keeps the original bytes of a record with the reason it failed,"
                + " so an operator can fix the cause and replay it.";
        ChunkRecord onOnePage = chunk("web:one", 0, paragraph);
        ChunkRecord onAnother = chunk("web:two", 3, paragraph.replace("replay it", "replay it later"));
        ChunkRecord different = chunk("web:three", 0, "Compaction keeps the latest value for every key of a topic.");

        AssembledContext context = assembler.assemble(hits(onOnePage, onAnother, different), 512);

        assertThat(context.sources())
                .extracting(AssembledContext.Source::docId)
                .containsExactly("web:one", "web:three");
    }

    @Test
    void distinctKoreanChunksAreNotMistakenForDuplicates() {
        ChunkRecord first = chunk("ko:a", 0, "카프카는 문서의 모든 이벤트를 하나의 파티션에 순서대로 보관합니다.");
        ChunkRecord second = chunk("ko:b", 0, "벡터 데이터베이스는 가장 가까운 벡터를 빠르게 찾아 줍니다.");

        AssembledContext context = assembler.assemble(hits(first, second), 512);

        assertThat(context.sources()).hasSize(2);
        assertThat(context.text()).contains("[1]", "카프카는", "[2]", "벡터 데이터베이스는");
    }

    @Test
    void chunkTooBigForWhatIsLeftIsSkippedForASmallerOneBelowIt() {
        ChunkRecord big = chunk("kb:big", 0, "word ".repeat(300).strip());
        ChunkRecord small = chunk("kb:small", 0, "A short answer that fits.");

        AssembledContext context = assembler.assemble(hits(big, small), 50);

        assertThat(context.sources()).extracting(AssembledContext.Source::docId).containsExactly("kb:small");
    }

    @Test
    void overlapIsTheLongestSharedEndOfAtLeastSixteenCharacters() {
        assertThat(ContextAssembler.overlap("alpha beta gamma delta", "gamma delta epsilon"))
                .isZero();
        assertThat(ContextAssembler.overlap("one two three four five six", "three four five six seven"))
                .isEqualTo(19);
    }

    private static List<SearchHit> hits(ChunkRecord... chunks) {
        List<SearchHit> hits = new ArrayList<>();
        for (int i = 0; i < chunks.length; i++) {
            hits.add(new SearchHit(chunks[i], 1.0 - i * 0.01));
        }
        return hits;
    }

    private static ChunkRecord chunk(String docId, int ordinal, String text) {
        String title =
                Character.toUpperCase(docId.charAt(docId.indexOf(':') + 1)) + docId.substring(docId.indexOf(':') + 2);
        return new ChunkRecord(
                docId + "#v#" + ordinal,
                docId,
                "acme",
                "v",
                "test",
                "https://kb.test/" + docId,
                Optional.of(title),
                ordinal,
                text,
                List.of(),
                List.of(),
                Map.of(),
                Instant.EPOCH);
    }

    /** Paragraphs of the sample corpus as hits, each document's paragraphs in order. */
    private static List<SearchHit> corpusParagraphs() throws IOException {
        Path root = Path.of(System.getProperty("user.dir")).getParent().resolve("samples/corpus");
        List<ChunkRecord> chunks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file :
                    files.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
                String[] paragraphs = Files.readString(file).split("\\n\\s*\\n");
                for (int i = 0; i < paragraphs.length; i++) {
                    chunks.add(chunk("kb:" + file.getFileName(), i, paragraphs[i].strip()));
                }
            }
        }
        return hits(chunks.toArray(ChunkRecord[]::new));
    }
}
