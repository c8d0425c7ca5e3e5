package io.ragstream.embedding;

import static io.ragstream.embedding.Vectors.cosine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model configured as a directory of model.onnx + tokenizer.json, here the default model's files copied out. */
class OnnxModelDirectoryTest {

    @TempDir
    static Path modelDir;

    @BeforeAll
    static void copyDefaultModelFiles() throws IOException {
        copy("/bge-small-en-v1.5-q.onnx", modelDir.resolve("model.onnx"));
        copy("/bge-small-en-v1.5-q-tokenizer.json", modelDir.resolve("tokenizer.json"));
    }

    @Test
    void directoryModelWithMeanPoolingAgreesWithAnIndependentRuntime() {
        var spec = new ModelSpec("bge-small-mean", Pooling.MEAN, "", "", 512);
        var reference = new OnnxEmbeddingModel(
                modelDir.resolve("model.onnx"), modelDir.resolve("tokenizer.json"), PoolingMode.MEAN);

        try (var embedder = OnnxModel.fromDirectory(modelDir, spec).loadEmbedder(EmbedderOptions.defaults())) {
            for (String text : List.of("Mean pooling averages every token.", "평균 풀링은 모든 토큰을 평균합니다.")) {
                float[] ours = embedder.embed(List.of(text), InputKind.PASSAGE).getFirst();
                float[] theirs = reference.embed(text).content().vector();

                assertThat(cosine(ours, theirs)).as(text).isGreaterThanOrEqualTo(0.999);
            }
        }
    }

    @Test
    void poolingIsPartOfTheModelsSpec() {
        String text = "Pooling decides which outputs make the vector.";
        try (var cls = OnnxModel.fromDirectory(modelDir, ModelSpec.BGE_SMALL_EN_V15_Q)
                        .loadEmbedder(EmbedderOptions.defaults());
                var mean = OnnxModel.fromDirectory(modelDir, ModelSpec.miniLm("bge-small-mean"))
                        .loadEmbedder(EmbedderOptions.defaults())) {
            float[] byCls = cls.embed(List.of(text), InputKind.PASSAGE).getFirst();
            float[] byMean = mean.embed(List.of(text), InputKind.PASSAGE).getFirst();

            assertThat(cosine(byCls, byMean)).isLessThan(0.99);
        }
    }

    @Test
    void directoryWithoutTheModelFileIsRefusedWithWhatIsMissing(@TempDir Path empty) {
        assertThatThrownBy(() -> OnnxModel.fromDirectory(empty, ModelSpec.e5("multilingual-e5-small")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no model.onnx");
    }

    private static void copy(String resource, Path target) throws IOException {
        try (InputStream in = OnnxModelDirectoryTest.class.getResourceAsStream(resource)) {
            Files.copy(in, target);
        }
    }
}
