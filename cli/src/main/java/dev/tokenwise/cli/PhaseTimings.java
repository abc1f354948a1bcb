package dev.tokenwise.cli;

import dev.tokenwise.audit.Progress;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Prints each audit phase's wall time and CPU time on stderr ({@code audit --timings}), for
 * benchmarks: the process's CPU time (every thread, DuckDB's native ones included) and the main
 * thread's.
 */
final class PhaseTimings implements Progress {
    private final PrintStream err;
    private final java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private String phase;
    private long start;
    private long cpuStart;
    private long processCpuStart;

    PhaseTimings(PrintStream err) {
        this.err = err;
    }

    @Override
    public void phase(String name, long total) {
        end();
        phase = name;
        start = System.nanoTime();
        cpuStart = threads.getCurrentThreadCpuTime();
        processCpuStart = os.getProcessCpuTime();
    }

    @Override
    public void update(long done) {}

    @Override
    public void done() {
        end();
    }

    private void end() {
        if (phase != null) {
            err.printf(Locale.ROOT, "timing: %-50s %8.2f s wall %8.2f s cpu (process) %8.2f s cpu (main thread)%n", phase,
                    (System.nanoTime() - start) / 1e9, (os.getProcessCpuTime() - processCpuStart) / 1e9,
                    (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9);
            phase = null;
        }
    }
}
