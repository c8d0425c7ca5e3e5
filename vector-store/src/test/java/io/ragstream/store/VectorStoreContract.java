package io.ragstream.store;

import static io.ragstream.store.TestChunks.DIMENSION;
import static io.ragstream.store.TestChunks.INGESTED_AT;
import static io.ragstream.store.TestChunks.chunk;
import static io.ragstream.store.TestChunks.cosine;
import static io.ragstream.store.TestChunks.mix;
import static io.ragstream.store.TestChunks.perturbed;
import static io.ragstream.store.TestChunks.randomUnitVector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.ragstream.model.FieldLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link VectorStore} promises, run against each implementation by a subclass that says how to open the
 * store and name a fresh collection.
 */
abstract class VectorStoreContract {

    static final CollectionSpec SPEC = new CollectionSpec("bge-small-en-v1.5-q", DIMENSION);
    static final String TENANT = "acme";

    /** Opens the store under test; called before each test, closed after it. */
    protected abstract VectorStore openStore();

    /** A collection (or alias) name no other test uses. */
    protected abstract String newCollectionName();

    protected VectorStore store;
    protected String collection;
    private final Random random = new Random(42);

    @BeforeEach
    void openStoreAndCollection() {
        store = openStore();
        collection = newCollectionName();
        store.ensureCollection(collection, SPEC);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void ensureCollectionIsIdempotentAndKeepsTheData() {
        store.upsert(collection, List.of(chunk("web:a", 0).embedded(randomUnitVector(random))));

        store.ensureCollection(collection, SPEC);
        store.ensureCollection(collection, SPEC);

        assertThat(store.count(collection, SearchFilter.tenant(TENANT))).isEqualTo(1);
    }

    @Test
    void ensureCollectionRefusesAnotherModelOrDimension() {
        assertThatThrownBy(() -> store.ensureCollection(collection, new CollectionSpec("e5-large-v2", DIMENSION)))
                .isInstanceOf(IncompatibleCollectionException.class)
                .hasMessageContaining(collection)
                .hasMessageContaining("e5-large-v2");
        assertThatThrownBy(() -> store.ensureCollection(collection, new CollectionSpec(SPEC.modelId(), 768)))
                .isInstanceOf(IncompatibleCollectionException.class)
                .hasMessageContaining("768");
        assertThatThrownBy(() ->
                        store.ensureCollection(collection, new CollectionSpec(SPEC.modelId(), DIMENSION, "korean")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("standard")
                .hasMessageContaining("korean");
        assertThat(store.describe(collection)).contains(SPEC);
    }

    @Test
    void ensureCollectionRefusesAnUnknownTextAnalyzer() {
        assertThatThrownBy(() -> store.ensureCollection(
                        newCollectionName(), new CollectionSpec(SPEC.modelId(), DIMENSION, "klingon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("klingon")
                .hasMessageContaining("standard");
    }

    @Test
    void describeReturnsTheSpecOfACollectionAndNothingForAMissingOne() {
        assertThat(store.describe(collection)).contains(SPEC);
        assertThat(store.describe(newCollectionName())).isEmpty();
    }

    @Test
    void searchFindsTheTrueNearestNeighbourFirst() {
        int docs = 10;
        int chunksPerDoc = 30;
        List<float[]> vectors = new ArrayList<>();
        List<EmbeddedChunk> chunks = new ArrayList<>();
        for (int d = 0; d < docs; d++) {
            for (int c = 0; c < chunksPerDoc; c++) {
                float[] vector = randomUnitVector(random);
                vectors.add(vector);
                chunks.add(chunk("web:doc" + d, c).embedded(vector));
            }
        }
        store.upsert(collection, chunks);
        Random queries = new Random(7);

        for (int trial = 0; trial < 20; trial++) {
            int target = queries.nextInt(vectors.size());
            float[] query = perturbed(vectors.get(target), 0.02, queries);
            int nearest = bruteForceNearest(vectors, query);

            List<SearchHit> hits = store.search(collection, SearchRequest.dense(query, 5, SearchFilter.tenant(TENANT)));

            assertThat(hits).as("hits for a query near row %d", target).hasSize(5);
            assertThat(hits.getFirst().chunk().chunkId())
                    .isEqualTo(chunks.get(nearest).chunk().chunkId());
            assertThat(hits.getFirst().score()).isCloseTo(cosine(query, vectors.get(nearest)), offset(1e-3));
            assertThat(hits).extracting(SearchHit::score).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        }
    }

    @Test
    void hitsCarryEveryPartOfTheStoredChunk() {
        ChunkRecord stored = chunk("web:full", 3)
                .title("Renewal call notes")
                .headingPath("Accounts", "Renewals")
                .tags("crm", "notes")
                .metadata(Map.of("account", "1234", "ключ", "значение \"quoted\""))
                .uri("https://example.com/a b?c=d&e=%20")
                .text("Customer asked about the SSO add-on.")
                .ingestedAt(Instant.parse("2026-11-22T10:15:30.123Z"))
                .record();
        ChunkRecord untitled = chunk("web:bare", 0).record();
        float[] vector = randomUnitVector(random);
        store.upsert(
                collection,
                List.of(new EmbeddedChunk(stored, vector), new EmbeddedChunk(untitled, randomUnitVector(random))));

        List<SearchHit> hits = store.search(collection, SearchRequest.dense(vector, 2, SearchFilter.tenant(TENANT)));

        assertThat(hits.getFirst().chunk()).isEqualTo(stored);
        assertThat(hits.getFirst().score()).isCloseTo(1.0, offset(1e-3));
        assertThat(hits.get(1).chunk()).isEqualTo(untitled);
    }

    /**
     * Milvus counts its VARCHAR limits in UTF-8 bytes: a Korean heading of more than about 340 characters was refused by
     * Milvus every time and kept whole by Lucene. Every store now keeps the same cut title and headings.
     */
    @Test
    void aLongKoreanTitleAndHeadingAreCutTheSameWayOnEveryStore() {
        String title = "분기별 실적 보고서 ".repeat(100);
        String heading = "서울 지역 고객 갱신 현황 ".repeat(30);
        ChunkRecord written = chunk("web:korean-long", 0)
                .title(title)
                .headingPath("개요", heading)
                .text("고객 갱신율이 올랐다.")
                .record();
        store.upsert(collection, List.of(new EmbeddedChunk(written, randomUnitVector(random))));

        ChunkRecord read = store.chunksOf(collection, "web:korean-long").getFirst();

        assertThat(read.title()).contains(FieldLimits.cut(title, FieldLimits.TITLE_BYTES));
        assertThat(FieldLimits.utf8Length(read.title().orElseThrow()))
                .isBetween(FieldLimits.TITLE_BYTES - 2, FieldLimits.TITLE_BYTES);
        assertThat(read.headingPath()).containsExactly("개요", FieldLimits.cut(heading, FieldLimits.HEADING_BYTES));
        assertThat(read).isEqualTo(written);
    }

    @Test
    void aTagOrAUriLongerThanTheSizeModelIsRefusedNamingTheLimit() {
        assertThatThrownBy(() -> chunk("web:tagged", 0).tags("태그".repeat(50)).record())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tag is 300 bytes in UTF-8, above the 256 a store keeps");
        assertThatThrownBy(() -> chunk("web:far", 0)
                        .uri("https://example.com/" + "경로/".repeat(2000))
                        .record())
                .hasMessageContaining("uri is")
                .hasMessageContaining("above the 8,192 a store keeps");
    }

    @Test
    void upsertingTheSameChunkIdTwiceLeavesOneRow() {
        float[] vector = randomUnitVector(random);
        store.upsert(collection, List.of(chunk("web:a", 0).text("first").embedded(vector)));
        store.upsert(collection, List.of(chunk("web:a", 0).text("second").embedded(vector)));

        assertThat(store.count(collection, SearchFilter.tenant(TENANT))).isEqualTo(1);
        assertThat(store.search(collection, SearchRequest.dense(vector, 10, SearchFilter.tenant(TENANT))))
                .singleElement()
                .satisfies(hit -> assertThat(hit.chunk().text()).isEqualTo("second"));
    }

    @Test
    void aNewerVersionReplacesEveryChunkOfTheOlderOne() {
        List<EmbeddedChunk> v1 = chunks("web:a", "v1", 5);
        List<EmbeddedChunk> v2 = chunks("web:a", "v2", 3);
        List<EmbeddedChunk> neighbour = chunks("web:b", "v1", 4);
        store.upsert(collection, concat(v1, neighbour));

        assertThat(store.upsert(collection, v2)).isEmpty();

        assertThat(chunkIds(SearchFilter.tenant(TENANT).withDocIds(Set.of("web:a"))))
                .containsExactlyInAnyOrderElementsOf(chunkIdsOf(v2));
        assertThat(chunkIds(SearchFilter.tenant(TENANT).withDocIds(Set.of("web:b"))))
                .containsExactlyInAnyOrderElementsOf(chunkIdsOf(neighbour));
        assertThat(store.count(collection, SearchFilter.tenant(TENANT))).isEqualTo(7);
    }

    @Test
    void aLateWriteOfAnOlderVersionChangesNothing() {
        List<EmbeddedChunk> v2 = chunks("web:a", "v2", 3);
        store.upsert(collection, v2);

        Set<String> superseded = store.upsert(collection, chunks("web:a", "v1", 5));

        assertThat(superseded).containsExactly("web:a");
        assertThat(store.chunksOf(collection, "web:a"))
                .extracting(ChunkRecord::chunkId)
                .containsExactlyElementsOf(chunkIdsOf(v2));
        assertThat(store.count(collection, SearchFilter.tenant(TENANT))).isEqualTo(3);
    }

    @Test
    void aLateWriteOfAnOlderVersionCannotBringADeletedDocumentBack() {
        store.upsert(collection, chunks("web:a", "v1", 2));
        store.apply(collection, new StoreChanges(List.of(DocumentWrite.removal("web:a", 3))));

        Set<String> superseded = store.upsert(collection, chunks("web:a", "v2", 2));

        assertThat(superseded).containsExactly("web:a");
        assertThat(store.chunksOf(collection, "web:a")).isEmpty();
        assertThat(store.count(collection, SearchFilter.tenant(TENANT))).isZero();
        assertThat(docIds(SearchFilter.tenant(TENANT))).isEmpty();
    }

    @Test
    void aDocumentWrittenAgainAfterItsRemovalIsBack() {
        store.upsert(collection, chunks("web:a", "v1", 2));
        store.apply(collection, new StoreChanges(List.of(DocumentWrite.removal("web:a", 2))));

        List<EmbeddedChunk> v3 = chunks("web:a", "v3", 2);
        assertThat(store.upsert(collection, v3)).isEmpty();

        assertThat(store.chunksOf(collection, "web:a"))
                .extracting(ChunkRecord::chunkId)
                .containsExactlyElementsOf(chunkIdsOf(v3));
        assertThat(store.count(collection, SearchFilter.tenant(TENANT))).isEqualTo(2);
    }

    @Test
    void theSameVersionCutIntoFewerChunksLeavesNoStaleOrdinals() {
        store.upsert(collection, chunks("web:a", "v4", 5));

        List<EmbeddedChunk> recut = chunks("web:a", "v4", 2);
        assertThat(store.upsert(collection, recut)).isEmpty();

        assertThat(store.chunksOf(collection, "web:a"))
                .extracting(ChunkRecord::chunkId)
                .containsExactlyElementsOf(chunkIdsOf(recut));
        assertThat(store.count(collection, SearchFilter.tenant(TENANT))).isEqualTo(2);
    }

    @Test
    void chunksOfADocumentComeBackInOrdinalOrderWithTheirVersion() {
        List<EmbeddedChunk> v2 = chunks("web:a", "v2", 4);
        store.upsert(collection, concat(chunks("web:b", "v1", 2), v2.reversed()));

        List<ChunkRecord> stored = store.chunksOf(collection, "web:a");

        assertThat(stored).extracting(ChunkRecord::chunkId).containsExactlyElementsOf(chunkIdsOf(v2));
        assertThat(stored).extracting(ChunkRecord::ordinal).containsExactly(0, 1, 2, 3);
        assertThat(stored).allSatisfy(chunk -> assertThat(chunk.version()).isEqualTo("v2"));
        assertThat(store.chunksOf(collection, "web:none")).isEmpty();
    }

    @Test
    void applyWritesNewVersionsAndRemovesReplacedAndDeletedDocumentsTogether() {
        store.upsert(
                collection,
                concat(chunks("web:a", "v1", 3), concat(chunks("web:b", "v1", 2), chunks("web:c", "v1", 2))));
        List<EmbeddedChunk> a2 = chunks("web:a", "v2", 1);
        List<EmbeddedChunk> d1 = chunks("web:\"quoted\" d", "v1", 2);

        Set<String> superseded = store.apply(
                collection,
                new StoreChanges(List.of(
                        new DocumentWrite("web:a", 2, a2),
                        new DocumentWrite("web:\"quoted\" d", 1, d1),
                        DocumentWrite.removal("web:b", 2))));

        assertThat(superseded).isEmpty();
        assertThat(store.chunksOf(collection, "web:a"))
                .extracting(ChunkRecord::chunkId)
                .containsExactlyElementsOf(chunkIdsOf(a2));
        assertThat(store.chunksOf(collection, "web:b")).isEmpty();
        assertThat(store.chunksOf(collection, "web:c")).hasSize(2);
        assertThat(store.chunksOf(collection, "web:\"quoted\" d")).hasSize(2);
        assertThat(store.count(collection, SearchFilter.tenant(TENANT))).isEqualTo(5);
    }

    @Test
    void writingTheCurrentVersionAgainChangesNothing() {
        List<EmbeddedChunk> v1 = chunks("web:a", "v1", 3);
        store.upsert(collection, v1);

        assertThat(store.upsert(collection, v1)).isEmpty();

        assertThat(store.chunksOf(collection, "web:a"))
                .extracting(ChunkRecord::chunkId)
                .containsExactlyElementsOf(chunkIdsOf(v1));
        assertThat(store.count(collection, SearchFilter.tenant(TENANT))).isEqualTo(3);
    }

    @Test
    void aRemovalTakesAllOfTheDocumentAndNothingElse() {
        store.upsert(collection, concat(chunks("web:a", "v1", 4), chunks("web:b", "v1", 2)));

        store.apply(collection, new StoreChanges(List.of(DocumentWrite.removal("web:a", 2))));

        assertThat(store.count(collection, SearchFilter.tenant(TENANT).withDocIds(Set.of("web:a"))))
                .isZero();
        assertThat(docIds(SearchFilter.tenant(TENANT))).containsExactly("web:b");
        assertThat(store.count(collection, SearchFilter.tenant(TENANT))).isEqualTo(2);
    }

    @Test
    void sourceFilterNarrowsToThoseSources() {
        upsertFilterCorpus();

        assertThat(docIds(SearchFilter.tenant(TENANT).withSources(Set.of("crm"))))
                .containsExactly("crm:c");
        assertThat(docIds(SearchFilter.tenant(TENANT).withSources(Set.of("crm", "web"))))
                .containsExactlyInAnyOrder("web:a", "web:b", "crm:c");
        assertThat(store.count(collection, SearchFilter.tenant(TENANT).withSources(Set.of("crm"))))
                .isEqualTo(3);
    }

    @Test
    void docIdFilterNarrowsToThoseDocuments() {
        upsertFilterCorpus();

        assertThat(docIds(SearchFilter.tenant(TENANT).withDocIds(Set.of("web:b", "crm:c"))))
                .containsExactlyInAnyOrder("web:b", "crm:c");
        assertThat(store.count(collection, SearchFilter.tenant(TENANT).withDocIds(Set.of("web:b", "crm:c"))))
                .isEqualTo(6);
    }

    @Test
    void tagFilterMatchesChunksCarryingAnyOfTheTags() {
        upsertFilterCorpus();

        assertThat(docIds(SearchFilter.tenant(TENANT).withTags(Set.of("guide", "internal"))))
                .containsExactlyInAnyOrder("web:a", "web:b");
        assertThat(docIds(SearchFilter.tenant(TENANT).withTags(Set.of("public"))))
                .containsExactlyInAnyOrder("web:a", "crm:c");
        assertThat(store.count(collection, SearchFilter.tenant(TENANT).withTags(Set.of("nowhere"))))
                .isZero();
    }

    @Test
    void uriPrefixFilterMatchesTheLiteralPrefix() {
        upsertFilterCorpus();

        // "_" and "%" are wildcards of LIKE patterns; the prefix must match them literally.
        assertThat(docIds(SearchFilter.tenant(TENANT).withUriPrefix("https://example.com/docs/a_b/")))
                .containsExactly("web:a");
        assertThat(docIds(SearchFilter.tenant(TENANT).withUriPrefix("https://example.com/docs/a")))
                .containsExactlyInAnyOrder("web:a", "web:b");
        assertThat(docIds(SearchFilter.tenant(TENANT).withUriPrefix("crm://"))).containsExactly("crm:c");
        assertThat(store.count(collection, SearchFilter.tenant(TENANT).withUriPrefix("https://example.com/docs/%")))
                .isZero();
    }

    @Test
    void ingestedTimeRangeIncludesItsStartAndExcludesItsEnd() {
        upsertFilterCorpus();
        Instant oneHourIn = INGESTED_AT.plus(Duration.ofHours(1));
        Instant twoHoursIn = INGESTED_AT.plus(Duration.ofHours(2));

        assertThat(docIds(SearchFilter.tenant(TENANT).withIngestedBetween(Optional.of(oneHourIn), Optional.empty())))
                .containsExactlyInAnyOrder("web:b", "crm:c");
        assertThat(docIds(SearchFilter.tenant(TENANT).withIngestedBetween(Optional.empty(), Optional.of(oneHourIn))))
                .containsExactly("web:a");
        assertThat(docIds(SearchFilter.tenant(TENANT)
                        .withIngestedBetween(Optional.of(oneHourIn), Optional.of(twoHoursIn))))
                .containsExactly("web:b");
    }

    @Test
    void filtersCombineWithAnd() {
        upsertFilterCorpus();

        SearchFilter filter =
                SearchFilter.tenant(TENANT).withSources(Set.of("web")).withTags(Set.of("public"));

        assertThat(docIds(filter)).containsExactly("web:a");
        assertThat(store.count(collection, filter)).isEqualTo(3);
    }

    @Test
    void countCountsEveryChunkTheFilterLetsThrough() {
        upsertFilterCorpus();

        assertThat(store.count(collection, SearchFilter.tenant(TENANT))).isEqualTo(9);
        assertThat(store.count(collection, SearchFilter.tenant("globex"))).isEqualTo(3);
        assertThat(store.count(collection, SearchFilter.tenant("initech"))).isZero();
    }

    @Test
    void aSearchNeverReturnsAnotherTenantsChunks() {
        List<EmbeddedChunk> corpus = upsertFilterCorpus();
        EmbeddedChunk globexChunk = corpus.stream()
                .filter(c -> c.chunk().tenant().equals("globex"))
                .findFirst()
                .orElseThrow();
        SearchFilter acmeAskingForGlobexDoc = SearchFilter.tenant(TENANT)
                .withDocIds(Set.of(globexChunk.chunk().docId()));

        assertThat(store.search(collection, SearchRequest.dense(globexChunk.vector(), 10, acmeAskingForGlobexDoc)))
                .isEmpty();
        assertThat(store.count(collection, acmeAskingForGlobexDoc)).isZero();
        assertThat(store.search(collection, SearchRequest.dense(globexChunk.vector(), 50, SearchFilter.tenant(TENANT))))
                .extracting(hit -> hit.chunk().tenant())
                .containsOnly(TENANT);
    }

    @Test
    void filterValuesAreMatchedLiterallyNeverReadAsSyntax() {
        String awkwardDocId = "web:say \"hi\" \\ back\\slash\n'single'";
        List<EmbeddedChunk> awkward = chunks(awkwardDocId, "v\"1", 2);
        store.upsert(collection, concat(awkward, chunks("web:plain", "v1", 2)));

        assertThat(store.count(collection, SearchFilter.tenant(TENANT).withDocIds(Set.of(awkwardDocId))))
                .isEqualTo(2);
        assertThat(store.count(collection, SearchFilter.tenant(TENANT + "\" or tenant != \"")))
                .isZero();
        assertThat(store.count(
                        collection, SearchFilter.tenant(TENANT).withDocIds(Set.of("web:plain\" or doc_id != \""))))
                .isZero();

        store.upsert(collection, awkward);
        assertThat(store.count(collection, SearchFilter.tenant(TENANT))).isEqualTo(4);
        store.apply(collection, new StoreChanges(List.of(DocumentWrite.removal(awkwardDocId, 1))));
        assertThat(docIds(SearchFilter.tenant(TENANT))).containsExactly("web:plain");
    }

    @Test
    void hybridSearchRanksAnExactKeywordMatchFirst() {
        if (!store.supportsHybrid()) {
            assertHybridIsRefusedWithTheFix();
            return;
        }
        List<EmbeddedChunk> chunks = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            chunks.add(chunk("web:report" + (i / 10), i % 10)
                    .text("quarterly report on revenue, margins and growth, section " + i)
                    .embedded(randomUnitVector(random)));
        }
        EmbeddedChunk keyword = chunk("web:migration", 0)
                .text("The zyzzogeton migration runs on Friday")
                .embedded(randomUnitVector(random));
        chunks.add(keyword);
        store.upsert(collection, chunks);
        EmbeddedChunk nearest = chunks.get(17);
        // Closest to one chunk, second closest to the keyword chunk: dense search alone puts the keyword chunk second.
        float[] query = mix(0.8, nearest.vector(), 0.6, keyword.vector());

        List<SearchHit> dense = store.search(collection, SearchRequest.dense(query, 5, SearchFilter.tenant(TENANT)));
        List<SearchHit> hybrid = store.search(
                collection, SearchRequest.hybrid(query, "zyzzogeton schedule?", 5, SearchFilter.tenant(TENANT)));

        assertThat(dense)
                .extracting(hit -> hit.chunk().chunkId())
                .startsWith(nearest.chunk().chunkId(), keyword.chunk().chunkId());
        assertThat(hybrid)
                .extracting(hit -> hit.chunk().chunkId())
                .startsWith(keyword.chunk().chunkId(), nearest.chunk().chunkId());
        assertThat(hybrid.getFirst().score())
                .isCloseTo(
                        1.0 / (ReciprocalRankFusion.DEFAULT_K + 1) + 1.0 / (ReciprocalRankFusion.DEFAULT_K + 2),
                        offset(1e-4));
    }

    @Test
    void hybridSearchStaysWithinTheFilter() {
        if (!store.supportsHybrid()) {
            assertHybridIsRefusedWithTheFix();
            return;
        }
        EmbeddedChunk acme = chunk("web:a", 0).text("zyzzogeton for acme").embedded(randomUnitVector(random));
        EmbeddedChunk globex = chunk("web:g", 0)
                .tenant("globex")
                .text("zyzzogeton zyzzogeton for globex")
                .embedded(randomUnitVector(random));
        store.upsert(collection, List.of(acme, globex));

        List<SearchHit> hits = store.search(
                collection, SearchRequest.hybrid(globex.vector(), "zyzzogeton", 10, SearchFilter.tenant(TENANT)));

        assertThat(hits)
                .extracting(hit -> hit.chunk().chunkId())
                .containsExactly(acme.chunk().chunkId());
    }

    @Test
    void anAliasSwitchesSearchesFromOneCollectionToAnother() {
        String second = newCollectionName();
        String alias = newCollectionName();
        store.ensureCollection(second, SPEC);
        EmbeddedChunk inFirst = chunk("web:first", 0).embedded(randomUnitVector(random));
        EmbeddedChunk inSecond = chunk("web:second", 0).embedded(randomUnitVector(random));
        store.upsert(collection, List.of(inFirst));
        store.upsert(second, List.of(inSecond));

        store.pointAlias(alias, collection);
        assertThat(docIds(alias, SearchFilter.tenant(TENANT))).containsExactly("web:first");
        assertThat(store.describe(alias)).contains(SPEC);

        store.pointAlias(alias, second);
        assertThat(docIds(alias, SearchFilter.tenant(TENANT))).containsExactly("web:second");
        assertThat(store.count(alias, SearchFilter.tenant(TENANT))).isEqualTo(1);
    }

    @Test
    void writesThroughAnAliasLandInItsCollection() {
        String alias = newCollectionName();
        store.pointAlias(alias, collection);

        store.upsert(alias, chunks("web:a", "v1", 2));
        store.apply(alias, new StoreChanges(List.of(DocumentWrite.removal("web:a", 2))));
        store.upsert(alias, chunks("web:b", "v1", 1));

        assertThat(docIds(SearchFilter.tenant(TENANT))).containsExactly("web:b");
    }

    @Test
    void aCollectionBehindAnAliasCannotBeDropped() {
        String alias = newCollectionName();
        store.pointAlias(alias, collection);
        store.upsert(collection, chunks("web:a", "v1", 1));

        assertThatThrownBy(() -> store.dropCollection(collection))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(alias);
        assertThatThrownBy(() -> store.dropCollection(alias))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(collection);
        assertThat(store.count(alias, SearchFilter.tenant(TENANT))).isEqualTo(1);
    }

    @Test
    void aDroppedCollectionIsGoneAndCanBeMadeAgain() {
        store.upsert(collection, chunks("web:a", "v1", 2));

        store.dropCollection(collection);
        store.dropCollection(collection);

        assertThat(store.describe(collection)).isEmpty();
        store.ensureCollection(collection, SPEC);
        assertThat(store.count(collection, SearchFilter.tenant(TENANT))).isZero();
    }

    @Test
    void writesAreVisibleToTheNextReadYourWritesSearch() {
        EmbeddedChunk written = chunk("web:a", 0).embedded(randomUnitVector(random));
        SearchRequest request = SearchRequest.dense(written.vector(), 1, SearchFilter.tenant(TENANT))
                .withReadYourWrites();

        store.upsert(collection, List.of(written));
        assertThat(store.search(collection, request))
                .extracting(hit -> hit.chunk().chunkId())
                .containsExactly(written.chunk().chunkId());

        store.apply(collection, new StoreChanges(List.of(DocumentWrite.removal("web:a", 1))));
        assertThat(store.search(collection, request)).isEmpty();
    }

    @Test
    void aVectorOfAnotherDimensionIsRefusedAndNothingOfItsBatchIsWritten() {
        List<EmbeddedChunk> batch = List.of(
                chunk("web:a", 0).embedded(randomUnitVector(random)),
                chunk("web:a", 1).embedded(new float[] {0.6f, 0.8f}));

        assertThatThrownBy(() -> store.upsert(collection, batch))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(batch.get(1).chunk().chunkId())
                .hasMessageContaining("2 dimensions")
                .hasMessageContaining(SPEC.modelId());
        assertThat(store.count(collection, SearchFilter.tenant(TENANT))).isZero();
        assertThatThrownBy(() ->
                        store.search(collection, SearchRequest.dense(new float[] {1f}, 1, SearchFilter.tenant(TENANT))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void writingToAMissingCollectionIsRefused() {
        String missing = newCollectionName();

        assertThatThrownBy(() -> store.upsert(missing, chunks("web:a", "v1", 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing)
                .hasMessageContaining("ensureCollection");
        assertThatThrownBy(() -> store.count(missing, SearchFilter.tenant(TENANT)))
                .isInstanceOf(IllegalStateException.class);
    }

    /** Three documents of tenant acme and one of globex, three chunks each, differing in every filtered part. */
    private List<EmbeddedChunk> upsertFilterCorpus() {
        List<EmbeddedChunk> corpus = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            corpus.add(chunk("web:a", i)
                    .uri("https://example.com/docs/a_b/page" + i)
                    .tags("guide", "public")
                    .embedded(randomUnitVector(random)));
            corpus.add(chunk("web:b", i)
                    .uri("https://example.com/docs/aXb/page" + i)
                    .tags("internal")
                    .ingestedAt(INGESTED_AT.plus(Duration.ofHours(1)))
                    .embedded(randomUnitVector(random)));
            corpus.add(chunk("crm:c", i)
                    .source("crm")
                    .uri("crm://accounts/1/notes/" + i)
                    .tags("public")
                    .ingestedAt(INGESTED_AT.plus(Duration.ofHours(2)))
                    .embedded(randomUnitVector(random)));
            corpus.add(chunk("web:g", i)
                    .tenant("globex")
                    .uri("https://example.com/docs/a_b/globex" + i)
                    .tags("guide", "public", "internal")
                    .embedded(randomUnitVector(random)));
        }
        store.upsert(collection, corpus);
        return corpus;
    }

    /** A store without a text index says so, and what to do, rather than failing or answering dense results. */
    private void assertHybridIsRefusedWithTheFix() {
        EmbeddedChunk written = chunk("web:a", 0).text("zyzzogeton").embedded(randomUnitVector(random));
        store.upsert(collection, List.of(written));

        assertThatThrownBy(() -> store.search(
                        collection,
                        SearchRequest.hybrid(written.vector(), "zyzzogeton", 5, SearchFilter.tenant(TENANT))))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("dense");
    }

    private List<EmbeddedChunk> chunks(String docId, String version, int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> chunk(docId, i).version(version).embedded(randomUnitVector(random)))
                .toList();
    }

    private Set<String> docIds(SearchFilter filter) {
        return docIds(collection, filter);
    }

    /** The documents a search with a random query vector and a large top-k finds. */
    private Set<String> docIds(String name, SearchFilter filter) {
        // Read-your-writes: a server that honours consistency levels may answer a bounded read from before the write.
        return store
                .search(
                        name,
                        SearchRequest.dense(randomUnitVector(random), 100, filter)
                                .withReadYourWrites())
                .stream()
                .map(hit -> hit.chunk().docId())
                .collect(Collectors.toSet());
    }

    private List<String> chunkIds(SearchFilter filter) {
        return store
                .search(
                        collection,
                        SearchRequest.dense(randomUnitVector(random), 100, filter)
                                .withReadYourWrites())
                .stream()
                .map(hit -> hit.chunk().chunkId())
                .toList();
    }

    private static List<String> chunkIdsOf(List<EmbeddedChunk> chunks) {
        return chunks.stream().map(c -> c.chunk().chunkId()).toList();
    }

    @SafeVarargs
    private static List<EmbeddedChunk> concat(List<EmbeddedChunk>... lists) {
        List<EmbeddedChunk> all = new ArrayList<>();
        for (List<EmbeddedChunk> list : lists) {
            all.addAll(list);
        }
        return all;
    }

    private static int bruteForceNearest(List<float[]> vectors, float[] query) {
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vectors.size(); i++) {
            double score = cosine(query, vectors.get(i));
            if (score > bestScore) {
                bestScore = score;
                best = i;
            }
        }
        return best;
    }
}
