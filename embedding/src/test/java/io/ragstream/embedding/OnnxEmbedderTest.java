package io.ragstream.embedding;

import static io.ragstream.embedding.Vectors.cosine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxEmbedderTest {

    private static final List<String> SENTENCES = List.of(
            "Kafka keeps every event of a document in order on one partition.",
            "The embedder writes vectors to Milvus and commits offsets afterwards.",
            "A compacted topic keeps the latest value for each key.",
            "Retrieval-augmented generation grounds answers in your own documents.",
            "The cat sat on the mat.",
            "카프카는 문서의 모든 이벤트를 하나의 파티션에 순서대로 보관합니다.",
            "검색 증강 생성은 답변을 문서에 근거하게 합니다.");

    private static OnnxEmbedder embedder;

    @BeforeAll
    static void load() {
        embedder = OnnxModel.bgeSmallEnV15Quantized().loadEmbedder(EmbedderOptions.defaults());
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    @Test
    void defaultModelIsBgeSmallWith384Dimensions() {
        assertThat(embedder.modelId()).isEqualTo("bge-small-en-v1.5-q");
        assertThat(embedder.dimension()).isEqualTo(384);
    }

    @Test
    void vectorsAgreeWithAnIndependentImplementationOfTheSameModel() {
        var reference = new BgeSmallEnV15QuantizedEmbeddingModel();

        for (String sentence : SENTENCES) {
            // One text per run on both sides: int8 activations are quantized per batch.
            float[] ours = embedder.embed(List.of(sentence), InputKind.PASSAGE).getFirst();
            float[] theirs = reference.embed(sentence).content().vector();

            assertThat(cosine(ours, theirs)).as(sentence).isGreaterThanOrEqualTo(0.999);
        }
    }

    @Test
    void vectorsAreUnitLength() {
        for (float[] vector : embedder.embed(SENTENCES, InputKind.PASSAGE)) {
            assertThat(cosine(vector, vector)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void batchingKeepsOrderAndBarelyMovesVectors() {
        List<float[]> batched = embedder.embed(SENTENCES, InputKind.PASSAGE);

        assertThat(batched).hasSize(SENTENCES.size());
        for (int i = 0; i < SENTENCES.size(); i++) {
            float[] alone =
                    embedder.embed(List.of(SENTENCES.get(i)), InputKind.PASSAGE).getFirst();
            // Per-batch activation quantization shifts a vector slightly with its batch-mates, never more.
            assertThat(cosine(batched.get(i), alone)).as(SENTENCES.get(i)).isGreaterThan(0.98);
        }
    }

    @Test
    void paraphraseScoresHigherThanAnUnrelatedSentence() {
        float[] query = embedder.embedQuery("How do I reset my password?");
        List<float[]> passages = embedder.embed(
                List.of(
                        "To change a forgotten account password, open settings and choose reset.",
                        "The stock market closed higher on Tuesday."),
                InputKind.PASSAGE);

        assertThat(cosine(query, passages.get(0))).isGreaterThan(cosine(query, passages.get(1)) + 0.1);
    }

    @Test
    void queryPrefixChangesTheQueryVector() {
        float[] asQuery =
                embedder.embed(List.of("vector databases"), InputKind.QUERY).getFirst();
        float[] asPassage =
                embedder.embed(List.of("vector databases"), InputKind.PASSAGE).getFirst();

        assertThat(cosine(asQuery, asPassage)).isLessThan(0.99);
    }

    @Test
    void koreanTextEmbedsWithoutError() {
        List<float[]> vectors =
                embedder.embed(List.of("안녕하세요. 스트리밍 수집 파이프라인입니다.", "한국어 문서도 청크로 나뉩니다."), InputKind.PASSAGE);

        assertThat(vectors).allSatisfy(v -> assertThat(v).hasSize(384).doesNotContain(Float.NaN));
    }

    @Test
    void textLongerThanTheModelReadsIsRefusedNotTruncated() {
        List<String> texts = new ArrayList<>(List.of("short"));
        texts.add("token ".repeat(600));

        assertThatThrownBy(() -> embedder.embed(texts, InputKind.PASSAGE))
                .isInstanceOfSatisfying(
                        TextTooLongException.class, e -> assertThat(e.index()).isEqualTo(1))
                .hasMessageContaining("602 tokens, above the 512 tokens");
    }

    @Test
    void emptyBatchGivesNoVectors() {
        assertThat(embedder.embed(List.of(), InputKind.PASSAGE)).isEmpty();
    }
}
