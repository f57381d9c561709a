package io.ledgerkv.api;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to, for tests of time-to-live behaviour (pass it as
 * {@link ClientConfig.Builder#clock}). Thread-safe; it never goes backwards. UTC unless
 * {@link #withZone} says otherwise.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock(Instant.parse("2030-01-01T00:00:00Z"));
 * KvStore store = LedgerKv.connect(cc.toBuilder().clock(clock).build()).open("s", cfg);
 * store.put(key, value, Duration.ofMinutes(5));
 * clock.advance(Duration.ofMinutes(5));   // key now reads as absent
 * }</pre>
 */
public final class ManualClock extends Clock {
    private final AtomicLong millis;
    private final ZoneId zone;

    public ManualClock(Instant start) {
        this(new AtomicLong(start.toEpochMilli()), ZoneOffset.UTC);
    }

    private ManualClock(AtomicLong millis, ZoneId zone) {
        this.millis = millis;
        this.zone = zone;
    }

    /** Moves the clock forward by {@code d} (which must not be negative). */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a ManualClock does not go backwards: " + d);
        }
        millis.addAndGet(d.toMillis());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** The same clock (advancing one advances both) seen in another zone. */
    @Override
    public Clock withZone(ZoneId z) {
        return new ManualClock(millis, z);
    }
}
