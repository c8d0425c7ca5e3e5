package io.ragstream.embedding;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;

/**
 * Embeds texts in process with ONNX Runtime. A batch is sorted by token length and cut into sub-batches of at most
 * {@link EmbedderOptions#batchSize()} texts of similar length, each padded only to its own longest text; one session and
 * one set of input buffers serve every call.
 */
public final class OnnxEmbedder implements Embedder {

    private static final String INPUT_IDS = "input_ids";
    private static final String ATTENTION_MASK = "attention_mask";
    private static final String TOKEN_TYPE_IDS = "token_type_ids";

    /**
     * The most padded tokens a sub-batch may run per real token. bench, real-length chunks at batch 8 on 2 cores: 1.05
     * gave 1.09x the raw model, 1.1 gave 1.03x, 1.25 gave 1.03x.
     */
    private static final double MAX_PADDING_RATIO = 1.05;

    private final ModelSpec spec;
    private final OrtSession session;
    private final Tokenizer tokenizer;
    private final int batchSize;
    private final boolean takesTokenTypes;
    private final String outputName;
    private final int dimension;

    // The session already spreads one run over every core, so runs go one at a time and share these buffers.
    private final ReentrantLock runLock = new ReentrantLock();
    private LongBuffer ids = allocate(0);
    private LongBuffer mask = allocate(0);
    private LongBuffer types = allocate(0);

    OnnxEmbedder(ModelSpec spec, OrtSession session, Tokenizer tokenizer, EmbedderOptions options) {
        this.spec = spec;
        this.session = session;
        this.tokenizer = tokenizer;
        this.batchSize = options.batchSize();
        this.takesTokenTypes = session.getInputNames().contains(TOKEN_TYPE_IDS);
        for (String input : List.of(INPUT_IDS, ATTENTION_MASK)) {
            if (!session.getInputNames().contains(input)) {
                throw new IllegalArgumentException("model " + spec.id() + " has inputs " + session.getInputNames()
                        + ", not " + input + "; ragstream runs BERT-like encoders (input_ids, attention_mask)");
            }
        }
        this.outputName = session.getOutputNames().contains("last_hidden_state")
                ? "last_hidden_state"
                : session.getOutputNames().iterator().next();
        this.dimension = probeDimension();
    }

    @Override
    public String modelId() {
        return spec.id();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    /** The tokenizer this embedder feeds the model with; the chunker must count with the same one. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ModelSpec spec() {
        return spec;
    }

    @Override
    public List<float[]> embed(List<String> texts, InputKind kind) {
        if (texts.isEmpty()) {
            return List.of();
        }
        String prefix = spec.prefix(kind);
        Tokens[] encoded = new Tokens[texts.size()];
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = tokenizer.encodeForModel(prefix + texts.get(i));
            if (encoded[i].size() > spec.maxTokens()) {
                throw new TextTooLongException(spec.id(), i, encoded[i].size(), spec.maxTokens());
            }
        }
        int[] byLength = IntStream.range(0, encoded.length)
                .boxed()
                .sorted(Comparator.comparingInt(i -> encoded[i].size()))
                .mapToInt(Integer::intValue)
                .toArray();
        float[][] vectors = new float[encoded.length][];
        runLock.lock();
        try {
            for (int start = 0; start < byLength.length; ) {
                int end = subBatchEnd(encoded, byLength, start);
                runBatch(encoded, Arrays.copyOfRange(byLength, start, end), vectors);
                start = end;
            }
        } finally {
            runLock.unlock();
        }
        return List.of(vectors);
    }

    /**
     * Where the sub-batch that starts at {@code start} ends: at most {@code batchSize} texts, and no more padding than
     * {@link #MAX_PADDING_RATIO} of the real tokens. On CPUs, batching gains ~10% on equal lengths and padding costs its
     * full share, so a batch that pads more is slower than running its texts one by one (measured by bench).
     */
    private int subBatchEnd(Tokens[] encoded, int[] byLength, int start) {
        long realTokens = encoded[byLength[start]].size();
        int end = start + 1;
        while (end < byLength.length && end - start < batchSize) {
            int next = encoded[byLength[end]].size(); // the longest so far: the texts are sorted by length
            long padded = (long) (end - start + 1) * next;
            if (padded > MAX_PADDING_RATIO * (realTokens + next)) {
                break;
            }
            realTokens += next;
            end++;
        }
        return end;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the ONNX session of " + spec.id(), e);
        } finally {
            tokenizer.close();
        }
    }

    private void runBatch(Tokens[] encoded, int[] batch, float[][] vectors) {
        int rows = batch.length;
        int width = encoded[batch[rows - 1]].size(); // sorted: the last is the longest
        fillInputs(encoded, batch, width);
        long[] shape = {rows, width};
        Map<String, OnnxTensorLike> inputs = new HashMap<>();
        try {
            inputs.put(INPUT_IDS, OnnxTensor.createTensor(OnnxModel.environment(), ids, shape));
            inputs.put(ATTENTION_MASK, OnnxTensor.createTensor(OnnxModel.environment(), mask, shape));
            if (takesTokenTypes) {
                inputs.put(TOKEN_TYPE_IDS, OnnxTensor.createTensor(OnnxModel.environment(), types, shape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxTensor output = (OnnxTensor) result.get(outputName).orElseThrow();
                long[] outShape = output.getInfo().getShape();
                FloatBuffer values = output.getFloatBuffer();
                for (int row = 0; row < rows; row++) {
                    float[] vector = outShape.length == 2
                            ? slice(values, row * dimension)
                            : pool(values, row, width, encoded[batch[row]].size());
                    vectors[batch[row]] = Vectors.normalise(vector);
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "model " + spec.id() + " failed on a batch of " + rows + " texts of up to " + width + " tokens: "
                            + e.getMessage(),
                    e);
        } finally {
            inputs.values().forEach(tensor -> ((OnnxTensor) tensor).close());
        }
    }

    /** Writes the batch's tokens into the shared buffers, padding each row with zeros (mask 0) to the width. */
    private void fillInputs(Tokens[] encoded, int[] batch, int width) {
        int size = batch.length * width;
        if (ids.capacity() < size) {
            ids = allocate(size);
            mask = allocate(size);
            types = allocate(size);
        }
        ids.clear();
        mask.clear();
        types.clear();
        for (int row : batch) {
            Tokens tokens = encoded[row];
            for (int t = 0; t < width; t++) {
                boolean real = t < tokens.size();
                ids.put(real ? tokens.ids()[t] : 0L);
                mask.put(real ? 1L : 0L);
                types.put(real ? tokens.typeIds()[t] : 0L);
            }
        }
        ids.flip();
        mask.flip();
        types.flip();
    }

    /** One row's vector from the per-token outputs [rows, width, dimension]. */
    private float[] pool(FloatBuffer values, int row, int width, int realTokens) {
        int rowStart = row * width * dimension;
        return switch (spec.pooling()) {
            case CLS -> slice(values, rowStart);
            case MEAN -> {
                float[] sum = new float[dimension];
                for (int t = 0; t < realTokens; t++) {
                    int offset = rowStart + t * dimension;
                    for (int d = 0; d < dimension; d++) {
                        sum[d] += values.get(offset + d);
                    }
                }
                for (int d = 0; d < dimension; d++) {
                    sum[d] /= realTokens;
                }
                yield sum;
            }
        };
    }

    private float[] slice(FloatBuffer values, int offset) {
        float[] vector = new float[dimension];
        values.get(offset, vector);
        return vector;
    }

    private int probeDimension() {
        try {
            NodeInfo info = session.getOutputInfo().get(outputName);
            if (info.getInfo() instanceof TensorInfo tensor) {
                long[] shape = tensor.getShape();
                long last = shape[shape.length - 1];
                if (last > 0) {
                    return Math.toIntExact(last);
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("cannot read the outputs of model " + spec.id(), e);
        }
        throw new IllegalStateException("model " + spec.id() + " does not declare its output dimension (output "
                + outputName + "); export it with a fixed hidden size");
    }

    private static LongBuffer allocate(int longs) {
        return ByteBuffer.allocateDirect(Math.max(longs, 1) * Long.BYTES)
                .order(ByteOrder.nativeOrder())
                .asLongBuffer();
    }
}
