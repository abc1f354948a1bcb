package dev.tokenwise.gateway.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * The bounded in-process store: answers are appended to a log kept in a ring of off-heap segments
 * (direct buffers), and found through an open-addressing index of primitive longs. A stored answer
 * is no Java object and no heap memory, so the collector never copies or traces it: a gateway that
 * caches every answer it sees would otherwise pause, at every young collection, to copy the
 * answers stored since the last one.
 *
 * <p>Bounds: at most {@code maxEntries} live entries and {@code maxBytes} of log. The oldest
 * record goes first (FIFO), with a second chance: an entry read while it lies in the oldest quarter
 * of the log is copied to the head, so answers that keep being asked for stay. An answer larger
 * than one segment ({@code maxBytes / 64}, at least 1 MiB or all of {@code maxBytes}) is not kept.
 * Each entry has its own TTL, on the injected ticker. Every index slot points at a live record
 * whose full key is compared on each read, so a hash collision costs a longer probe, never another
 * request's answer. One lock guards the store; each operation under it is a probe and a copy of
 * the answer.
 */
final class LocalStore implements ResponseStore {
    /** A record: 64-bit key hash, expiry (ticker nanos), key length, value length, key, value. */
    private static final int HEADER = 24;
    private static final long MAX_TTL_NANOS = Long.MAX_VALUE / 4;

    private final Ticker ticker;
    private final ToLongFunction<byte[]> hasher;
    private final long maxEntries;
    private final int segmentBytes;
    /** Allocated as the log first reaches them, then reused as the ring turns. */
    private final ByteBuffer[] segments;
    /** Bytes written into each segment (its records end there; the rest is padding). */
    private final int[] used;
    /** The index: a key hash per slot (0 = empty, so no key hashes to 0) and the log position of its record. */
    private final long[] hashes;
    private final long[] positions;
    private final int mask;
    /** Log positions only grow; the live records are those in [tail, head). */
    private long head;
    private long tail;
    private long count;

    LocalStore(long maxEntries, long maxBytes, Ticker ticker) {
        this(maxEntries, maxBytes, ticker, LocalStore::hash);
    }

    /** With another key hash: tests make keys collide to prove that a collision never serves a wrong answer. */
    LocalStore(long maxEntries, long maxBytes, Ticker ticker, ToLongFunction<byte[]> hasher) {
        this.hasher = k -> {
            long h = hasher.applyAsLong(k);
            return h == 0 ? 1 : h;
        };
        if (maxEntries < 1 || maxBytes < 1024) throw new IllegalArgumentException("maxEntries >= 1 and maxBytes >= 1024");
        this.ticker = ticker;
        long segment = Math.min(64L << 20, Math.max(Math.min(maxBytes, 1L << 20), maxBytes / 64));
        this.segmentBytes = (int) segment;
        int n = (int) Math.min(Integer.MAX_VALUE - 8, maxBytes / segment);
        this.segments = new ByteBuffer[n];
        this.used = new int[n];
        // no more entries than the log holds at the smallest record (header and a 64-hex key),
        // and an index at most half full
        long entries = Math.max(1, Math.min(maxEntries, (long) n * segment / (HEADER + 64)));
        int slots = (int) Math.min(1L << 30, Math.max(16, Long.highestOneBit(entries * 2 - 1) << 1));
        this.maxEntries = Math.min(entries, slots / 2);
        this.hashes = new long[slots];
        this.positions = new long[slots];
        this.mask = slots - 1;
    }

    @Override
    public Optional<byte[]> get(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        long h = hasher.applyAsLong(k);
        synchronized (this) {
            int i = find(h, k);
            if (i < 0) return Optional.empty();
            long pos = positions[i];
            ByteBuffer seg = segment(pos);
            int off = offset(pos);
            long expires = seg.getLong(off + 8);
            if (ticker.read() - expires >= 0) {
                drop(i);
                return Optional.empty();
            }
            byte[] value = new byte[seg.getInt(off + 20)];
            seg.get(off + HEADER + k.length, value);
            // second chance: an answer still asked for when it is among the oldest moves to the head
            if (pos - tail < (head - tail) / 4) write(h, k, value, expires);
            return Optional.of(value);
        }
    }

    @Override
    public void put(String key, byte[] value, Duration ttl) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        long h = hasher.applyAsLong(k);
        long ttlNanos = Math.min(MAX_TTL_NANOS, ttl.toNanos());
        synchronized (this) {
            if ((long) HEADER + k.length + value.length > segmentBytes) {
                // too large to keep: an older answer to the same request must not outlive this one
                int i = find(h, k);
                if (i >= 0) drop(i);
                return;
            }
            write(h, k, value, ticker.read() + ttlNanos);
        }
    }

    /** Empties the store and lets its segments' memory go. */
    @Override
    public synchronized void close() {
        Arrays.fill(segments, null);
        Arrays.fill(used, 0);
        Arrays.fill(hashes, 0);
        head = 0;
        tail = 0;
        count = 0;
    }

    /** Live entries (expired ones not yet read or evicted included). */
    synchronized long size() {
        return count;
    }

    /** Appends a record at the head and points the key's index slot at it. */
    private void write(long h, byte[] k, byte[] value, long expires) {
        int need = HEADER + k.length + value.length;
        if (find(h, k) < 0) {
            while (count >= maxEntries) evictOldest();
        }
        makeRoom(need);
        ByteBuffer seg = segment(head);
        int off = offset(head);
        seg.putLong(off, h);
        seg.putLong(off + 8, expires);
        seg.putInt(off + 16, k.length);
        seg.putInt(off + 20, value.length);
        seg.put(off + HEADER, k);
        seg.put(off + HEADER + k.length, value);
        // evictions may have moved or removed the key's slot: look it up again
        int i = find(h, k);
        if (i >= 0) {
            positions[i] = head;
        } else {
            insert(h, head);
            count++;
        }
        used[slot(head)] = off + need;
        head += need;
    }

    /** Moves the head past a segment too full for {@code need} bytes and frees the segment it enters. */
    private void makeRoom(int need) {
        int off = offset(head);
        if (off + need > segmentBytes) head += segmentBytes - off;
        if (offset(head) == 0) {
            // the head enters a segment: whatever the ring held there goes first
            long firstKept = (head / segmentBytes - segments.length + 1) * segmentBytes;
            while (tail < firstKept) evictOldest();
            int s = slot(head);
            if (segments[s] == null) segments[s] = ByteBuffer.allocateDirect(segmentBytes).order(ByteOrder.LITTLE_ENDIAN);
            used[s] = 0;
        }
    }

    /** Drops the record at the tail (from the index too, unless a newer record replaced it). */
    private void evictOldest() {
        if (tail >= head) return;
        int off = offset(tail);
        if (off >= used[slot(tail)]) {
            tail = Math.min(head, (tail / segmentBytes + 1) * segmentBytes);
            return;
        }
        ByteBuffer seg = segment(tail);
        long h = seg.getLong(off);
        for (int i = home(h); hashes[i] != 0; i = (i + 1) & mask) {
            if (positions[i] == tail) {
                drop(i);
                break;
            }
        }
        tail += HEADER + seg.getInt(off + 16) + seg.getInt(off + 20);
    }

    private int find(long h, byte[] k) {
        for (int i = home(h); hashes[i] != 0; i = (i + 1) & mask) {
            if (hashes[i] == h && keyAt(positions[i], k)) return i;
        }
        return -1;
    }

    private boolean keyAt(long pos, byte[] k) {
        ByteBuffer seg = segment(pos);
        int off = offset(pos);
        if (seg.getInt(off + 16) != k.length) return false;
        for (int i = 0, from = off + HEADER; i < k.length; i++) {
            if (seg.get(from + i) != k[i]) return false;
        }
        return true;
    }

    private void insert(long h, long pos) {
        int i = home(h);
        while (hashes[i] != 0) i = (i + 1) & mask;
        hashes[i] = h;
        positions[i] = pos;
    }

    /**
     * Removes an entry from the index (its record stays in the log until the tail passes it), by
     * linear probing's backward shift: later slots of the run move up, so there are no tombstones.
     */
    private void drop(int i) {
        count--;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (hashes[j] == 0) break;
            int k = home(hashes[j]);
            // the entry at j may fill the hole at i unless its home lies cyclically in (i, j]
            boolean stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (!stays) {
                hashes[i] = hashes[j];
                positions[i] = positions[j];
                i = j;
            }
        }
        hashes[i] = 0;
        positions[i] = 0;
    }

    private int home(long h) {
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private int slot(long pos) {
        return (int) ((pos / segmentBytes) % segments.length);
    }

    private int offset(long pos) {
        return (int) (pos % segmentBytes);
    }

    private ByteBuffer segment(long pos) {
        return segments[slot(pos)];
    }

    /** FNV-1a over the key's bytes, then MurmurHash3's finalizer. */
    static long hash(byte[] k) {
        long h = 0xcbf29ce484222325L;
        for (byte b : k) h = (h ^ (b & 0xff)) * 0x100000001b3L;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }
}
