package io.ragstream.embedding;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Which embedding model a service runs, as configured ({@code model.*} settings). The chunker and the embedder read the
 * same settings, so they count with the same tokenizer.
 *
 * @param directory a directory with {@code model.onnx} and {@code tokenizer.json}; empty for the default model
 * @param id the model id recorded with every vector; for a directory model, name it
 */
public record ModelConfig(
        Optional<String> directory,
        String id,
        Pooling pooling,
        String queryPrefix,
        String passagePrefix,
        int maxTokens) {

    public ModelConfig {
        directory = directory == null ? Optional.empty() : directory;
        queryPrefix = queryPrefix == null ? "" : queryPrefix;
        passagePrefix = passagePrefix == null ? "" : passagePrefix;
    }

    /** The default model, bge-small-en-v1.5 int8, shipped on the class path. */
    public static ModelConfig defaults() {
        ModelSpec spec = ModelSpec.BGE_SMALL_EN_V15_Q;
        return new ModelConfig(
                Optional.empty(),
                spec.id(),
                spec.pooling(),
                spec.queryPrefix(),
                spec.passagePrefix(),
                spec.maxTokens());
    }

    public ModelSpec spec() {
        return new ModelSpec(id, pooling, queryPrefix, passagePrefix, maxTokens);
    }

    /** The model's files: the directory when one is set, else the default model, which must then be left as it is. */
    public OnnxModel model() {
        if (directory.isPresent()) {
            return OnnxModel.fromDirectory(Path.of(directory.get()), spec());
        }
        if (!spec().equals(ModelSpec.BGE_SMALL_EN_V15_Q)) {
            throw new IllegalArgumentException(
                    "model settings %s differ from the default model's, but model.directory is not set; point model.directory at the model's files, or leave the model.* settings at their defaults"
                            .formatted(spec()));
        }
        return OnnxModel.bgeSmallEnV15Quantized();
    }
}
