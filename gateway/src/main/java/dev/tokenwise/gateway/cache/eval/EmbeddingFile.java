package dev.tokenwise.gateway.cache.eval;

import dev.tokenwise.gateway.cache.Embedder;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An embedder that remembers vectors in a file, so repeated training and evaluation runs over the
 * same 80k texts do not re-embed them. Only for offline runs: lookup latency is measured without
 * it, because a remembered vector costs no embedding time.
 */
public final class EmbeddingFile implements Embedder {
    private final Embedder delegate;
    private final Path file;
    private final Map<String, float[]> known = new HashMap<>();
    private final Map<String, float[]> added = new LinkedHashMap<>();

    public EmbeddingFile(Embedder delegate, Path file) {
        this.delegate = delegate;
        this.file = file;
        if (Files.isRegularFile(file)) {
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
                while (true) {
                    String text;
                    try {
                        text = in.readUTF();
                    } catch (EOFException end) {
                        break;
                    }
                    float[] v = new float[in.readInt()];
                    for (int i = 0; i < v.length; i++) v[i] = in.readFloat();
                    known.put(text, v);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read embeddings file " + file, e);
            }
        }
    }

    @Override
    public synchronized float[] embed(String text) {
        float[] v = known.get(text);
        if (v != null) return v;
        v = delegate.embed(text);
        known.put(text, v);
        added.put(text, v);
        if (added.size() >= 1000) save();
        return v;
    }

    @Override
    public int dimensions() { return delegate.dimensions(); }

    /** Appends the vectors computed since the last save. */
    public synchronized void save() {
        if (added.isEmpty()) return;
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND), 1 << 16))) {
            for (Map.Entry<String, float[]> e : added.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                for (float f : e.getValue()) out.writeFloat(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write embeddings file " + file, e);
        }
        added.clear();
    }
}
