package dev.tokenwise.gateway.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * The approximate-nearest-neighbour index of the semantic cache: Lucene HNSW over unit vectors,
 * one filtered search per namespace (tenant, route, conversation context). In memory, or in a
 * directory (memory-mapped) so it can hold millions of entries and survive restarts. Beyond
 * {@code maxEntries} the oldest entries are deleted.
 */
public final class SemanticIndex implements AutoCloseable {
    private static final String VECTOR = "v";
    private static final String NAMESPACE = "ns";
    private static final String SEQ = "seq";

    private final Directory dir;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final long maxEntries;
    private final AtomicLong seq;

    /** A candidate from the index: the cached question, its unit vector, its cosine to the query, and the payload. */
    public record Candidate(String text, float[] vector, double cosine, byte[] payload, long expiresAtMillis) {}

    public SemanticIndex(Path directory, long maxEntries) {
        try {
            this.dir = directory == null ? new ByteBuffersDirectory() : FSDirectory.open(directory);
            this.writer = new IndexWriter(dir, new IndexWriterConfig().setRAMBufferSizeMB(64));
            this.searchers = new SearcherManager(writer, null);
            this.maxEntries = maxEntries;
            this.seq = new AtomicLong(writer.getDocStats().numDocs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the semantic cache index" + (directory == null ? "" : " at " + directory), e);
        }
    }

    /** Adds an entry; call {@link #refresh()} before it must be visible (the cache does so). */
    public void add(String namespace, String text, float[] unitVector, byte[] payload, long expiresAtMillis) {
        long n = seq.incrementAndGet();
        Document d = new Document();
        d.add(new KnnFloatVectorField(VECTOR, unitVector, VectorSimilarityFunction.DOT_PRODUCT));
        d.add(new StringField(NAMESPACE, namespace, Field.Store.NO));
        d.add(new LongPoint(SEQ, n));
        d.add(new StoredField("text", text));
        d.add(new StoredField("payload", payload));
        d.add(new StoredField("expires", expiresAtMillis));
        try {
            writer.addDocument(d);
            if (n > maxEntries) writer.deleteDocuments(LongPoint.newRangeQuery(SEQ, Long.MIN_VALUE, n - maxEntries));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void refresh() {
        try {
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The k nearest entries in a namespace, nearest first. */
    public List<Candidate> search(String namespace, float[] unitVector, int k) {
        try {
            IndexSearcher s = searchers.acquire();
            try {
                TopDocs top = s.search(new KnnFloatVectorQuery(VECTOR, unitVector, k, new TermQuery(new Term(NAMESPACE, namespace))), k);
                List<Candidate> out = new ArrayList<>(top.scoreDocs.length);
                var stored = s.storedFields();
                List<LeafReaderContext> leaves = s.getIndexReader().leaves();
                for (ScoreDoc sd : top.scoreDocs) {
                    Document d = stored.document(sd.doc);
                    // Lucene scores DOT_PRODUCT as (1 + dot) / 2 for unit vectors.
                    double cosine = 2.0 * sd.score - 1.0;
                    out.add(new Candidate(d.get("text"), vector(leaves, sd.doc), cosine, d.getBinaryValue("payload").bytes,
                            d.getField("expires").numericValue().longValue()));
                }
                return out;
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stored vector of a document (read from the vector values, not stored twice). */
    private static float[] vector(List<LeafReaderContext> leaves, int doc) throws IOException {
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        FloatVectorValues values = leaf.reader().getFloatVectorValues(VECTOR);
        KnnVectorValues.DocIndexIterator it = values.iterator();
        if (it.advance(doc - leaf.docBase) != doc - leaf.docBase) throw new IllegalStateException("document without a vector");
        return values.vectorValue(it.index()).clone();
    }

    /** Bytes the index occupies on its directory (memory for the in-memory index). */
    public long bytes() {
        try {
            writer.commit();
            long total = 0;
            for (String f : dir.listAll()) {
                try { total += dir.fileLength(f); } catch (IOException ignored) { /* file merged away meanwhile */ }
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int size() {
        return writer.getDocStats().numDocs;
    }

    @Override
    public void close() {
        try {
            searchers.close();
            writer.close();
            dir.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
