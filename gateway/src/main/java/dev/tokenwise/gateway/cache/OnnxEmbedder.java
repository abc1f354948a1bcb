package dev.tokenwise.gateway.cache;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A {@link SemanticModel} through LangChain4j's in-process ONNX runtime; nothing downloads (the
 * model ships inside its LangChain4j artifact). One ONNX session per
 * embedder, reused for every text, running each inference on the calling thread only: a question
 * is a few dozen tokens, too little work to share between cores, and on a busy machine a
 * multi-threaded inference waits for its slowest thread (the tail latency a cache lookup cannot afford).
 * Concurrent requests still use every core.
 */
final class OnnxEmbedder implements Embedder {
    private final SemanticModel choice;
    private final Model model;

    OnnxEmbedder(SemanticModel choice) {
        this.choice = choice;
        this.model = new Model(load(choice));
    }

    @Override
    public float[] embed(String text) {
        return normalise(model.embed(choice.prefix() + text).content().vector());
    }

    @Override
    public int dimensions() { return 384; }

    private static OnnxBertBiEncoder load(SemanticModel choice) {
        ClassLoader cl = OnnxEmbedder.class.getClassLoader();
        try (InputStream onnx = cl.getResourceAsStream(choice.onnx()); InputStream tokenizer = cl.getResourceAsStream(choice.tokenizer())) {
            if (onnx == null || tokenizer == null) throw new IllegalStateException("missing embedding model resources " + choice.onnx());
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            return new OnnxBertBiEncoder(env, env.createSession(onnx.readAllBytes(), options), tokenizer, choice.pooling());
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
