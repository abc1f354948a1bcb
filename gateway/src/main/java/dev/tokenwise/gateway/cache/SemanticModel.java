package dev.tokenwise.gateway.cache;

import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The sentence-embedding models the semantic cache can use ({@code cache.semantic_model}), each
 * with its own bundled verifier (trained on that model's vectors: a verifier is only valid with
 * the embeddings it was trained on). The ONNX file and tokenizer ship inside the model's
 * LangChain4j artifact; nothing downloads. Only all-MiniLM-L6-v2 is in the default build; the
 * others need the {@code embedding-models} Maven profile (see docs/cache.md).
 *
 * @param id the configuration name
 * @param onnx class-path resource of the ONNX model
 * @param tokenizer class-path resource of the tokenizer
 * @param pooling how token vectors become one sentence vector (as the model was trained)
 * @param prefix text put before every input (e5 expects "query: ")
 * @param verifier class-path resource of the bundled verifier for this model's vectors
 */
public enum SemanticModel {
    MINILM_L6_Q("minilm-l6-q", "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json", PoolingMode.MEAN, "",
            "/dev/tokenwise/core/cache/verifier.json"),
    BGE_SMALL_EN_V15_Q("bge-small-en-v15-q", "bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json", PoolingMode.CLS, "",
            "/dev/tokenwise/core/cache/verifier-bge-small-en-v15-q.json"),
    E5_SMALL_V2_Q("e5-small-v2-q", "e5-small-v2-q.onnx", "e5-small-v2-q-tokenizer.json", PoolingMode.MEAN, "query: ",
            "/dev/tokenwise/core/cache/verifier-e5-small-v2-q.json");

    /** The model used when {@code semantic_model} is not set. */
    public static final SemanticModel DEFAULT = MINILM_L6_Q;

    private final String id;
    private final String onnx;
    private final String tokenizer;
    private final PoolingMode pooling;
    private final String prefix;
    private final String verifier;

    SemanticModel(String id, String onnx, String tokenizer, PoolingMode pooling, String prefix, String verifier) {
        this.id = id;
        this.onnx = onnx;
        this.tokenizer = tokenizer;
        this.pooling = pooling;
        this.prefix = prefix;
        this.verifier = verifier;
    }

    public String id() { return id; }

    String onnx() { return onnx; }

    String tokenizer() { return tokenizer; }

    PoolingMode pooling() { return pooling; }

    String prefix() { return prefix; }

    /** Class-path resource of this model's bundled verifier. */
    public String verifier() { return verifier; }

    /** Whether this build holds the model's ONNX file (the default build holds only MiniLM). */
    public boolean inBuild() {
        return SemanticModel.class.getClassLoader().getResource(onnx) != null;
    }

    /** The model named {@code id} (case-insensitive), if there is one. */
    public static Optional<SemanticModel> byId(String id) {
        return Arrays.stream(values()).filter(m -> m.id.equals(id.toLowerCase(Locale.ROOT))).findFirst();
    }

    /** The configuration names, for error messages. */
    public static String ids() {
        return String.join(" | ", Arrays.stream(values()).map(SemanticModel::id).toList());
    }
}
