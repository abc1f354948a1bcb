package dev.tokenwise.bench;

import dev.tokenwise.gateway.config.LedgerConfig;
import dev.tokenwise.gateway.ledger.BatchingLedger;
import dev.tokenwise.gateway.ledger.LedgerRecord;
import dev.tokenwise.gateway.ledger.LedgerStore;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a request pays to hand its record to the ledger: an enqueue into the batching writer,
 * while the writer thread commits batches to a real SQLite file in the background.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class LedgerAppendBenchmark {
    private BatchingLedger ledger;
    private final AtomicLong ids = new AtomicLong();

    @Setup(Level.Trial)
    public void open() throws IOException {
        Path dir = Files.createTempDirectory("tokenwise-jmh-ledger");
        LedgerConfig cfg = LedgerConfig.defaults();
        ledger = new BatchingLedger(LedgerStore.open(cfg, dir, System::getenv), cfg);
    }

    @TearDown(Level.Trial)
    public void close() {
        ledger.close();
    }

    @Benchmark
    public void enqueueRecord() {
        ledger.append(new LedgerRecord("req_" + ids.incrementAndGet(), Instant.now(), "k1", "tenant-a", "faq", "gpt-4o",
                "gpt-4o-mini", "openai", 812, 0, 96, new BigDecimal("0.0001794"), new BigDecimal("0.00299"),
                new BigDecimal("0.0028106"), "routing", "miss", 412.5, -1, 200, null));
    }
}
