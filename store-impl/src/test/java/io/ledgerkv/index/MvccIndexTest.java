package io.ledgerkv.index;

import static io.ledgerkv.testing.Bytes.b;
import static io.ledgerkv.testing.Bytes.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.VersionedValue;
import io.ledgerkv.wal.Mutation;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MvccIndexTest {
    private final MvccIndex index = new MvccIndex();
    private long seq;

    private void put(String k, String v) {
        apply(new Mutation(b(k), b(v)));
    }

    private void del(String k) {
        apply(new Mutation(b(k), null));
    }

    private void apply(Mutation... ops) {
        seq++;
        index.apply(seq, new Lsn(1, seq, 0), 0, List.of(ops));
    }

    private static List<String> scan(LocalIndex.Pin pin, String from, String to) {
        List<String> out = new ArrayList<>();
        Iterator<byte[][]> it = pin.scan(from == null ? null : b(from), to == null ? null : b(to));
        while (it.hasNext()) {
            byte[][] kv = it.next();
            out.add(s(kv[0]) + "=" + s(kv[1]));
        }
        return out;
    }

    @Test
    void latestValueWinsAndDeletesHide() {
        put("a", "1");
        put("a", "2");
        put("b", "x");
        del("b");
        assertThat(s(index.get(b("a")))).isEqualTo("2");
        assertThat(index.get(b("b"))).isNull();
        assertThat(index.keyCount()).isEqualTo(1);
        assertThat(index.liveBytes()).isEqualTo(2);
        assertThat(index.lastLsn()).isEqualTo(new Lsn(1, 4, 0));
    }

    @Test
    void pinnedPositionKeepsItsStateWhileWritesContinue() {
        put("a", "1");
        put("b", "1");
        try (LocalIndex.Pin pin = index.pin()) {
            put("a", "2");
            del("b");
            put("c", "3");
            assertThat(scan(pin, null, null)).containsExactly("a=1", "b=1");
            assertThat(s(pin.get(b("a")))).isEqualTo("1");
            assertThat(pin.lsn()).isEqualTo(new Lsn(1, 2, 0));
        }
        try (LocalIndex.Pin now = index.pin()) {
            assertThat(scan(now, null, null)).containsExactly("a=2", "c=3");
        }
        assertThat(index.pinCount()).isZero();
    }

    @Test
    void rangesAreHalfOpenInUnsignedOrder() {
        for (String k : new String[] {"a", "ab", "b", "c"}) {
            put(k, k);
        }
        apply(new Mutation(new byte[] {(byte) 0xff}, b("high")));
        try (LocalIndex.Pin pin = index.pin()) {
            assertThat(scan(pin, "a", "b")).containsExactly("a=a", "ab=ab");
            assertThat(scan(pin, "b", null)).hasSize(3).last().asString().endsWith("=high");
            assertThat(scan(pin, "c", "a")).isEmpty();
        }
    }

    @Test
    void tombstonesAreRemovedOnceNoReaderNeedsThem() {
        put("a", "1");
        del("a");
        put("z", "1"); // a later apply moves the reclamation bound past the delete
        assertThat(index.rawMapForTests()).doesNotContainKey(b("a"));
        put("b", "1");
        LocalIndex.Pin pin = index.pin();
        del("b");
        put("z", "2");
        assertThat(index.rawMapForTests().containsKey(b("b"))).as("pinned reader still needs b").isTrue();
        assertThat(s(pin.get(b("b")))).isEqualTo("1");
        pin.close();
        put("z", "3");
        assertThat(index.rawMapForTests().containsKey(b("b"))).isFalse();
    }

    /** Readers racing the applier must never see a transaction in part: the two balances always sum to 100. */
    @Test
    void concurrentReadersNeverSeeHalfATransaction() throws Exception {
        apply(new Mutation(b("x"), bal(100)), new Mutation(b("y"), bal(0)));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> violation = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(2);
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            boolean pinned = r == 0;
            Thread t = new Thread(() -> {
                started.countDown();
                while (!stop.get()) {
                    long sum;
                    if (pinned) {
                        try (LocalIndex.Pin pin = index.pin()) {
                            sum = val(pin.get(b("x"))) + val(pin.get(b("y")));
                        }
                    } else {
                        // getAll-style reads go through a pin; bare gets may straddle, so check each key alone
                        long x = val(index.get(b("x")));
                        sum = x >= 0 && x <= 100 ? 100 : -1;
                    }
                    if (sum != 100) {
                        violation.compareAndSet(null, "sum " + sum);
                    }
                }
            });
            readers.add(t);
            t.start();
        }
        started.await();
        for (int i = 1; i <= 20_000; i++) {
            int x = 100 - (i % 101);
            apply(new Mutation(b("x"), bal(x)), new Mutation(b("y"), bal(100 - x)));
        }
        stop.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertThat(violation.get()).isNull();
        assertThat(index.pinCount()).isZero();
    }

    private static byte[] bal(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    private static long val(byte[] v) {
        return v == null ? -1000 : ByteBuffer.wrap(v).getLong();
    }

    private void applyAt(long writerTime, Mutation... ops) {
        seq++;
        index.apply(seq, new Lsn(1, seq, 0), writerTime, List.of(ops));
    }

    private static Mutation ttl(String k, String v, long expireAt) {
        return new Mutation(b(k), b(v), expireAt);
    }

    private static List<String> keys(Iterator<LocalIndex.Entry> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(e -> out.add(s(e.key())));
        return out;
    }

    /** Versions in a key's chain; the chain is private, so reclamation is only visible by walking it. */
    private int versions(String key) throws ReflectiveOperationException {
        Object v = index.rawMapForTests().get(b(key));
        int n = 0;
        while (v != null) {
            n++;
            Field older = v.getClass().getDeclaredField("older");
            older.setAccessible(true);
            v = older.get(v);
        }
        return n;
    }

    @Test
    void aCheckpointLoadsAtTheIndexPositionWithItsVersionsAndExpiries() {
        Lsn at = new Lsn(2, 7, 0);
        MvccIndex loaded = new MvccIndex(5, at, 1000);
        loaded.load(b("a"), b("1"));
        loaded.load(b("b"), b("22"), new Lsn(1, 3, 0), Mutation.NEVER);
        loaded.load(b("c"), b("3"), null, 2000);
        assertThat(loaded.lastSeq()).isEqualTo(5);
        assertThat(loaded.lastLsn()).isEqualTo(at);
        assertThat(loaded.now()).isEqualTo(1000);
        assertThat(loaded.keyCount()).isEqualTo(3);
        assertThat(loaded.liveBytes()).isEqualTo(2 + 3 + 2);
        VersionedValue a = loaded.getVersioned(b("a"));
        assertThat(a.version()).as("no recorded version: the checkpoint's own").isEqualTo(at);
        assertThat(a.expireAtMillis()).isEqualTo(Mutation.NEVER);
        assertThat(loaded.getVersioned(b("b")).version()).isEqualTo(new Lsn(1, 3, 0));
        assertThat(loaded.getVersioned(b("c")).expireAtMillis()).isEqualTo(2000);
        assertThat(loaded.expired(2000, 10)).extracting(e -> s(e.key())).containsExactly("c");
        assertThatThrownBy(() -> loaded.load(b("a"), b("again"))).isInstanceOf(IllegalStateException.class)
                .hasMessage("checkpoint holds a key twice");
    }

    @Test
    void expiryIsJudgedByTheLogsTimeUnlessAWriterClockIsSet() {
        index.startLogTimeAt(300);
        index.startLogTimeAt(200); // never backwards
        assertThat(index.now()).isEqualTo(300);
        applyAt(400, ttl("t", "v", 1000), new Mutation(b("p"), b("v")));
        assertThat(index.now()).isEqualTo(400);
        assertThat(s(index.get(b("t")))).isEqualTo("v");
        applyAt(999, new Mutation(b("other"), b("x")));
        assertThat(s(index.get(b("t")))).as("live until the millisecond it expires").isEqualTo("v");
        assertThat(index.getVersioned(b("t")).version()).isEqualTo(new Lsn(1, 1, 0));
        assertThat(index.keyCount()).isEqualTo(3);
        applyAt(1000, new Mutation(b("other"), b("y")));
        assertThat(index.get(b("t"))).isNull();
        assertThat(index.getVersioned(b("t"))).isNull();
        assertThat(s(index.get(b("p")))).isEqualTo("v");
        assertThat(index.keyCount()).as("expired but not yet reaped: not counted").isEqualTo(2);
        index.useWriterClock(() -> 10);
        assertThat(index.now()).as("a writer clock behind the log hides nothing less").isEqualTo(1000);
        index.useWriterClock(() -> 5000);
        assertThat(index.now()).isEqualTo(5000);
    }

    @Test
    void aPinJudgesExpiryAtTheTimeItWasTaken() {
        applyAt(99, ttl("t", "v", 100));
        try (LocalIndex.Pin before = index.pin()) {
            assertThat(before.now()).isEqualTo(99);
            assertThat(before.seq()).isEqualTo(1);
            applyAt(100, new Mutation(b("x"), b("x")));
            assertThat(index.get(b("t"))).isNull();
            assertThat(s(before.get(b("t")))).isEqualTo("v");
            try (LocalIndex.Pin at = index.pin()) {
                assertThat(at.now()).isEqualTo(100);
                assertThat(at.seq()).isEqualTo(2);
                assertThat(at.get(b("t"))).isNull();
                assertThat(scan(at, null, null)).containsExactly("x=x");
            }
        }
    }

    @Test
    void aVersionedScanKeepsExpiredValuesUnlessAskedNotTo() {
        applyAt(500, ttl("a", "1", 100), new Mutation(b("b"), b("2")), ttl("c", "3", 900));
        try (LocalIndex.Pin pin = index.pin()) {
            assertThat(keys(pin.scanVersioned())).containsExactly("a", "b", "c");
            assertThat(keys(pin.scanVersioned(false))).containsExactly("b", "c");
            LocalIndex.Entry c = pin.scanVersioned(false).next();
            assertThat(c.version()).isEqualTo(new Lsn(1, 1, 0));
            assertThat(c.expireAt()).isEqualTo(Mutation.NEVER);
            assertThat(s(c.value())).isEqualTo("2");
        }
    }

    @Test
    void aClosedPinRefusesReads() {
        put("a", "1");
        LocalIndex.Pin pin = index.pin();
        pin.close();
        assertThatThrownBy(() -> pin.get(b("a"))).isInstanceOf(IllegalStateException.class).hasMessage("read position 1 is closed");
        assertThatThrownBy(() -> pin.scan(null, null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> pin.scanVersioned(true)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void pinsAtOnePositionAreCountedOneByOne() {
        put("a", "1");
        LocalIndex.Pin first = index.pin();
        LocalIndex.Pin second = index.pin();
        assertThat(index.pinCount()).isEqualTo(2);
        first.close();
        first.close(); // closing twice releases once
        assertThat(index.pinCount()).isEqualTo(1);
        second.close();
        assertThat(index.pinCount()).isZero();
    }

    @Test
    void expiredListsDueValuesSoonestFirstUpToMax() {
        applyAt(0, ttl("k1", "v1", 300), ttl("k2", "v2", 100), ttl("k3", "v3", 200), new Mutation(b("k4"), b("v4")),
                ttl("k5", "v5", 400));
        assertThat(index.expired(99, 10)).isEmpty();
        List<LocalIndex.Entry> due = index.expired(200, 10);
        assertThat(due).extracting(e -> s(e.key())).containsExactly("k2", "k3");
        assertThat(s(due.get(0).value())).isEqualTo("v2");
        assertThat(due.get(0).version()).isEqualTo(new Lsn(1, 1, 0));
        assertThat(due.get(0).expireAt()).isEqualTo(100);
        assertThat(index.expired(200, 1)).extracting(e -> s(e.key())).containsExactly("k2");
        // an overwrite without a time to live and a delete take their keys off the reaper's list
        applyAt(0, new Mutation(b("k2"), b("kept")), new Mutation(b("k3"), null));
        assertThat(index.expired(300, 10)).extracting(e -> s(e.key())).containsExactly("k1");
        index.useWriterClock(() -> 300);
        assertThat(index.keyCount()).as("k2, k4, k5 are live at 300").isEqualTo(3);
    }

    @Test
    void anOverwrittenExpiryIsReplacedByTheNewOne() {
        applyAt(0, ttl("k", "old", 100));
        applyAt(0, ttl("k", "new", 500));
        assertThat(index.expired(100, 10)).isEmpty();
        index.useWriterClock(() -> 100);
        assertThat(index.keyCount()).isEqualTo(1);
        assertThat(index.expired(500, 10)).extracting(e -> s(e.value())).containsExactly("new");
    }

    @Test
    void expiredAtNamesTheVersionThatExpired() {
        applyAt(0, ttl("k", "v", 100), new Mutation(b("gone"), b("v")));
        Lsn written = new Lsn(1, 1, 0);
        assertThat(index.expiredAt(b("k"), written, 100)).isTrue();
        assertThat(index.expiredAt(b("k"), written, 99)).isFalse();
        assertThat(index.expiredAt(b("k"), new Lsn(1, 2, 0), 100)).as("another version").isFalse();
        assertThat(index.expiredAt(b("missing"), written, 100)).isFalse();
        applyAt(0, new Mutation(b("gone"), null));
        assertThat(index.expiredAt(b("gone"), written, Long.MAX_VALUE)).as("a delete's tombstone").isFalse();
    }

    @Test
    void aSequenceNumberIsAppliedOnce() {
        put("a", "1");
        assertThatThrownBy(() -> index.apply(1, new Lsn(1, 9, 0), 0, List.of(new Mutation(b("a"), b("2")))))
                .isInstanceOf(IllegalStateException.class).hasMessage("transaction 1 applied after 1");
        assertThat(s(index.get(b("a")))).isEqualTo("1");
    }

    /** A reader pinned just before the delete was published may still need the value behind its tombstone. */
    @Test
    void aTombstoneOutlivesTheApplyThatWroteIt() {
        put("a", "1");
        del("a");
        assertThat(index.rawMapForTests()).containsKey(b("a"));
        put("z", "1");
        assertThat(index.rawMapForTests()).doesNotContainKey(b("a"));
    }

    @Test
    void oldVersionsAreCutOnceNoReaderNeedsThem() throws Exception {
        put("a", "1");
        put("a", "2");
        put("a", "3");
        assertThat(versions("a")).as("the head and the version at the bound").isEqualTo(2);
        LocalIndex.Pin pin = index.pin();
        put("a", "4");
        put("a", "5");
        assertThat(versions("a")).as("the pinned reader needs version 3").isEqualTo(3);
        assertThat(s(pin.get(b("a")))).isEqualTo("3");
        pin.close();
        put("a", "6");
        assertThat(versions("a")).isEqualTo(2);
    }

    /** An unpinned read never returns a write of a transaction whose sequence number is not yet published. */
    @Test
    void aBareGetNeverSeesAnUnpublishedTransaction() throws Exception {
        put("x", "0");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<String> violation = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            started.countDown();
            while (!stop.get()) {
                byte[] x = index.get(b("x"));
                long published = index.lastSeq();
                if (x == null) {
                    violation.compareAndSet(null, "x, written by every transaction, read as absent");
                    continue;
                }
                long written = Long.parseLong(s(x));
                if (written > published) {
                    violation.compareAndSet(null, "read transaction " + written + " with " + published + " published");
                }
            }
        });
        reader.start();
        started.await();
        for (int t = 0; t < 2_000 && violation.get() == null; t++) {
            // x first, then enough other keys that the transaction stays unpublished for a while
            Mutation[] ops = new Mutation[200];
            ops[0] = new Mutation(b("x"), b(Long.toString(seq + 1)));
            for (int i = 1; i < ops.length; i++) {
                ops[i] = new Mutation(b("f" + i), b("v"));
            }
            apply(ops);
        }
        stop.set(true);
        reader.join();
        assertThat(violation.get()).isNull();
    }
}
