package io.ledgerkv.bench.latency;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;

/**
 * Open-loop load: requests are sent on a fixed schedule (request {@code i} at
 * {@code start + i / rate}) whatever the system does, and each latency is measured from the time
 * the request was <em>due</em>, not from when it could be sent. A system that stalls therefore
 * pays for every request that queued up behind the stall (the coordinated-omission correction);
 * a closed-loop benchmark, like JMH's, would instead send fewer requests during the stall and
 * report a flattering tail.
 */
public final class OpenLoop {
    /** Far more outstanding requests than any healthy run has; beyond it sending waits (still charged to latency). */
    private static final int MAX_OUTSTANDING = 50_000;
    private static final long HIGHEST_NANOS = TimeUnit.SECONDS.toNanos(120);

    /** Latency percentiles in microseconds, and how the schedule was kept. */
    public record Result(String target, double offeredPerSec, double achievedPerSec, long count, long errors, double p50Micros,
                         double p90Micros, double p99Micros, double p999Micros, double maxMicros, String hlog) {
    }

    private OpenLoop() {
    }

    /** Closed-loop saturation probe: as many requests as {@code window} allows, for {@code measure} after {@code warmup}. */
    public static double saturation(Target t, int window, long warmupMillis, long measureMillis) throws InterruptedException {
        Semaphore permits = new Semaphore(window);
        AtomicLong done = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
        long end = measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMillis);
        long atMeasureStart = -1;
        while (true) {
            long now = System.nanoTime();
            if (atMeasureStart < 0 && now >= measureFrom) {
                atMeasureStart = done.get();
            }
            if (now >= end) {
                break;
            }
            if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                continue;
            }
            t.send(err -> {
                if (err != null) {
                    failure.compareAndSet(null, err);
                }
                done.incrementAndGet();
                permits.release();
            });
        }
        long completed = done.get() - atMeasureStart;
        permits.acquire(window);
        if (failure.get() != null) {
            throw new IllegalStateException(t.name() + ": a request failed during the saturation probe", failure.get());
        }
        return completed / (measureMillis / 1000.0);
    }

    /**
     * Sends at {@code rate} per second: {@code warmupMillis} unrecorded, then {@code measureMillis}
     * recorded into one histogram, with one interval histogram per second written to {@code hlog}.
     */
    public static Result run(Target t, double rate, long warmupMillis, long measureMillis, Path hlog)
            throws InterruptedException, IOException {
        Recorder recorder = new Recorder(HIGHEST_NANOS, 3);
        Histogram total = new Histogram(HIGHEST_NANOS, 3);
        Semaphore outstanding = new Semaphore(MAX_OUTSTANDING);
        AtomicLong errors = new AtomicLong();
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
        long end = measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMillis);
        long measuredSent = 0;
        long lastSend = measureFrom;
        Files.createDirectories(hlog.getParent());
        try (PrintStream out = new PrintStream(Files.newOutputStream(hlog))) {
            HistogramLogWriter log = new HistogramLogWriter(out);
            log.outputComment("ledgerkv open-loop latency, target " + t.name() + ", offered " + Math.round(rate) + "/s, nanoseconds");
            log.outputLegend();
            long nextLog = measureFrom + TimeUnit.SECONDS.toNanos(1);
            boolean recording = false;
            for (long i = 0; ; i++) {
                long due = start + i * interval;
                if (due >= end) {
                    break;
                }
                long now = System.nanoTime();
                while (now < due) {
                    long gap = due - now;
                    if (gap > 200_000) {
                        LockSupport.parkNanos(gap - 100_000);
                    } else {
                        Thread.onSpinWait();
                    }
                    now = System.nanoTime();
                }
                if (!recording && due >= measureFrom) {
                    recorder.reset(); // drop the warm-up's samples
                    recording = true;
                }
                if (now >= nextLog) {
                    Histogram h = recorder.getIntervalHistogram();
                    total.add(h);
                    log.outputIntervalHistogram(h);
                    nextLog += TimeUnit.SECONDS.toNanos(1);
                }
                outstanding.acquire();
                final long dueAt = due;
                final boolean measured = recording;
                t.send(err -> {
                    long latency = System.nanoTime() - dueAt;
                    if (err != null) {
                        errors.incrementAndGet();
                    }
                    if (measured) {
                        recorder.recordValue(Math.min(HIGHEST_NANOS, Math.max(1, latency)));
                    }
                    outstanding.release();
                });
                if (measured) {
                    measuredSent++;
                    lastSend = System.nanoTime();
                }
            }
            if (!outstanding.tryAcquire(MAX_OUTSTANDING, 120, TimeUnit.SECONDS)) {
                throw new IllegalStateException(t.name() + ": requests still outstanding 120 s after the schedule ended");
            }
            Histogram h = recorder.getIntervalHistogram();
            total.add(h);
            log.outputIntervalHistogram(h);
        }
        // Sending falls behind the schedule only when the target pushes back (blocks the sender).
        double sendSeconds = Math.max(measureMillis / 1000.0, (lastSend - measureFrom) / 1e9);
        return new Result(t.name(), rate, measuredSent / sendSeconds, total.getTotalCount(), errors.get(),
                total.getValueAtPercentile(50) / 1e3, total.getValueAtPercentile(90) / 1e3, total.getValueAtPercentile(99) / 1e3,
                total.getValueAtPercentile(99.9) / 1e3, total.getMaxValue() / 1e3, hlog.getFileName().toString());
    }
}
