package dev.tokenwise.gateway.cache;

/** Turns a text into a unit-length vector whose dot product with another measures similarity. */
public interface Embedder {
    float[] embed(String text);

    int dimensions();

    /** The bundled all-MiniLM-L6-v2 (quantized, ONNX, in process; the model ships in the jar). */
    static Embedder miniLm() {
        return of(SemanticModel.MINILM_L6_Q);
    }

    /** The given model, loaded from its bundled ONNX file. */
    static Embedder of(SemanticModel model) {
        return new OnnxEmbedder(model);
    }

    /**
     * Two models side by side: each text's two unit vectors concatenated and scaled by 1/√2, so the
     * result is a unit vector whose dot product is the mean of the two models' cosines and a
     * verifier sees both models' element-wise features. Costs both inferences per text.
     */
    static Embedder concat(Embedder first, Embedder second) {
        return new Embedder() {
            @Override
            public float[] embed(String text) {
                float[] a = first.embed(text);
                float[] b = second.embed(text);
                float[] out = new float[a.length + b.length];
                float scale = (float) Math.sqrt(0.5);
                for (int i = 0; i < a.length; i++) out[i] = a[i] * scale;
                for (int i = 0; i < b.length; i++) out[a.length + i] = b[i] * scale;
                return out;
            }

            @Override
            public int dimensions() { return first.dimensions() + second.dimensions(); }
        };
    }
}
