package dev.tokenwise.gateway.cache;

/** Turns a text into a unit-length vector whose dot product with another measures similarity. */
public interface Embedder {
    float[] embed(String text);

    int dimensions();

    /** The bundled all-MiniLM-L6-v2 (quantized, ONNX, in process; the model ships in the jar). */
    static Embedder miniLm() {
        return new MiniLmEmbedder();
    }
}
