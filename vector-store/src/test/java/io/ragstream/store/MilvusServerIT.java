package io.ragstream.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.response.SearchResp;
import io.ragstream.testkit.MilvusFixture;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the Milvus vector store will rely on, checked against a real server: a VARCHAR primary key, a 384-dimension COSINE
 * index created with the collection (Milvus Lite has no AllocTimestamp RPC, which a separate synchronous createIndex
 * needs), upserts, exact nearest neighbours and deletes by filter expression.
 */
class MilvusServerIT {

    @RegisterExtension
    static final MilvusFixture milvus = new MilvusFixture();

    private static final int DIM = 384;
    private static final int DOCS = 10;
    private static final int CHUNKS_PER_DOC = 100;

    private MilvusClientV2 client;
    private String collection;
    private float[][] vectors;

    @BeforeEach
    void createCollection() {
        client = milvus.client();
        collection = milvus.uniqueCollection("chunks");
        CreateCollectionReq.CollectionSchema schema =
                CreateCollectionReq.CollectionSchema.builder().build();
        schema.addField(AddFieldReq.builder()
                .fieldName("chunk_id")
                .dataType(DataType.VarChar)
                .maxLength(512)
                .isPrimaryKey(true)
                .autoID(false)
                .build());
        schema.addField(AddFieldReq.builder()
                .fieldName("doc_id")
                .dataType(DataType.VarChar)
                .maxLength(256)
                .build());
        schema.addField(AddFieldReq.builder()
                .fieldName("ordinal")
                .dataType(DataType.Int32)
                .build());
        schema.addField(AddFieldReq.builder()
                .fieldName("text")
                .dataType(DataType.VarChar)
                .maxLength(8192)
                .build());
        schema.addField(AddFieldReq.builder()
                .fieldName("embedding")
                .dataType(DataType.FloatVector)
                .dimension(DIM)
                .build());
        IndexParam cosine = IndexParam.builder()
                .fieldName("embedding")
                .indexType(IndexParam.IndexType.AUTOINDEX)
                .metricType(IndexParam.MetricType.COSINE)
                .build();
        client.createCollection(CreateCollectionReq.builder()
                .collectionName(collection)
                .collectionSchema(schema)
                .indexParams(List.of(cosine))
                .consistencyLevel(ConsistencyLevel.STRONG)
                .build());
        await("collection " + collection + " loaded")
                .atMost(Duration.ofSeconds(60))
                .until(() -> client.getLoadState(
                        GetLoadStateReq.builder().collectionName(collection).build()));
        vectors = randomUnitVectors(DOCS * CHUNKS_PER_DOC, new Random(42));
    }

    @AfterEach
    void dropCollection() {
        client.dropCollection(
                DropCollectionReq.builder().collectionName(collection).build());
    }

    @Test
    void collectionHasTheSchemaTheStoreNeeds() {
        var description = client.describeCollection(
                DescribeCollectionReq.builder().collectionName(collection).build());

        assertThat(description.getCollectionSchema().getField("chunk_id").getIsPrimaryKey())
                .isTrue();
        assertThat(description.getCollectionSchema().getField("chunk_id").getDataType())
                .isEqualTo(DataType.VarChar);
        assertThat(description.getCollectionSchema().getField("embedding").getDimension())
                .isEqualTo(DIM);
    }

    @Test
    void searchFindsTheTrueNearestNeighbourFirst() {
        upsertAll();
        Random random = new Random(7);

        for (int trial = 0; trial < 20; trial++) {
            int target = random.nextInt(vectors.length);
            float[] query = perturbed(vectors[target], random);
            int nearest = bruteForceNearest(query);

            List<SearchResp.SearchResult> hits = search(query, 5);

            assertThat(hits).as("hits for a query near row %d", target).isNotEmpty();
            assertThat(hits.getFirst().getId()).isEqualTo(chunkId(nearest));
            assertThat(hits.getFirst().getScore()).isCloseTo((float) cosine(query, vectors[nearest]), offset(1e-3f));
            assertThat(hits.getFirst().getEntity()).containsEntry("doc_id", docId(nearest));
        }
    }

    @Test
    void upsertWithAnExistingKeyReplacesTheRow() {
        upsertAll();
        int row = 123;
        JsonObject replacement = row(row, vectors[row]);
        replacement.addProperty("text", "rewritten");

        client.upsert(UpsertReq.builder()
                .collectionName(collection)
                .data(List.of(replacement))
                .build());

        var rows = client.query(QueryReq.builder()
                        .collectionName(collection)
                        .filter("chunk_id == \"" + chunkId(row) + "\"")
                        .outputFields(List.of("text"))
                        .build())
                .getQueryResults();
        assertThat(rows).singleElement().satisfies(r -> assertThat(r.getEntity())
                .containsEntry("text", "rewritten"));
        assertThat(count("")).isEqualTo(vectors.length);
    }

    @Test
    void deleteByFilterExpressionRemovesExactlyTheMatchingRows() {
        upsertAll();
        String deleted = "doc_id in [\"doc-3\", \"doc-7\"]";

        client.delete(
                DeleteReq.builder().collectionName(collection).filter(deleted).build());

        assertThat(count(deleted)).isZero();
        assertThat(count("")).isEqualTo(vectors.length - 2 * CHUNKS_PER_DOC);
        int goneRow = 3 * CHUNKS_PER_DOC + 17;
        assertThat(search(vectors[goneRow], 10))
                .extracting(hit -> hit.getEntity().get("doc_id"))
                .doesNotContain("doc-3", "doc-7");
        int keptRow = 4 * CHUNKS_PER_DOC + 17;
        assertThat(search(vectors[keptRow], 1).getFirst().getId()).isEqualTo(chunkId(keptRow));
    }

    private void upsertAll() {
        // Milvus Lite is single-writer per collection: batches go one after the other from this thread.
        for (int start = 0; start < vectors.length; start += 250) {
            List<JsonObject> batch = IntStream.range(start, Math.min(start + 250, vectors.length))
                    .mapToObj(i -> row(i, vectors[i]))
                    .toList();
            long written = client.upsert(UpsertReq.builder()
                            .collectionName(collection)
                            .data(batch)
                            .build())
                    .getUpsertCnt();
            assertThat(written).isEqualTo(batch.size());
        }
        assertThat(count("")).isEqualTo(vectors.length);
    }

    private List<SearchResp.SearchResult> search(float[] query, int topK) {
        return client.search(SearchReq.builder()
                        .collectionName(collection)
                        .annsField("embedding")
                        .data(List.of(new FloatVec(query)))
                        .limit(topK)
                        .outputFields(List.of("doc_id", "ordinal"))
                        .build())
                .getSearchResults()
                .getFirst();
    }

    private long count(String filter) {
        var result = client.query(QueryReq.builder()
                        .collectionName(collection)
                        .filter(filter)
                        .outputFields(List.of("count(*)"))
                        .build())
                .getQueryResults();
        return ((Number) result.getFirst().getEntity().get("count(*)")).longValue();
    }

    private static JsonObject row(int i, float[] vector) {
        JsonObject row = new JsonObject();
        row.addProperty("chunk_id", chunkId(i));
        row.addProperty("doc_id", docId(i));
        row.addProperty("ordinal", i % CHUNKS_PER_DOC);
        row.addProperty("text", "chunk " + i + " of " + docId(i));
        JsonArray values = new JsonArray(vector.length);
        for (float v : vector) {
            values.add(v);
        }
        row.add("embedding", values);
        return row;
    }

    private static String chunkId(int i) {
        return docId(i) + "#v1#" + (i % CHUNKS_PER_DOC);
    }

    private static String docId(int i) {
        return "doc-" + (i / CHUNKS_PER_DOC);
    }

    private int bruteForceNearest(float[] query) {
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vectors.length; i++) {
            double score = cosine(query, vectors[i]);
            if (score > bestScore) {
                bestScore = score;
                best = i;
            }
        }
        return best;
    }

    private static float[] perturbed(float[] vector, Random random) {
        float[] copy = vector.clone();
        for (int i = 0; i < copy.length; i++) {
            copy[i] += (float) (random.nextGaussian() * 0.02);
        }
        return normalised(copy);
    }

    private static float[][] randomUnitVectors(int count, Random random) {
        float[][] result = new float[count][];
        for (int i = 0; i < count; i++) {
            float[] v = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) random.nextGaussian();
            }
            result[i] = normalised(v);
        }
        return result;
    }

    private static float[] normalised(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float inverse = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inverse;
        }
        return v;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot; // both are unit vectors
    }
}
