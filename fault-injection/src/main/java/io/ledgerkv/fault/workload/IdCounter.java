package io.ledgerkv.fault.workload;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A workload's transaction ids: handed out in order, re-learned from the store after a writer
 * change, and confined to a range ({@link Workload#idRange}) so that writer processes alive at
 * the same time never hand out the same id. Atomic: a successor may reload it while workers build
 * transactions (the fencing fault opens outside the supervisor lock).
 */
final class IdCounter {
    private final AtomicLong next = new AtomicLong(1);
    private volatile long floor = 1;
    private volatile long ceiling = Long.MAX_VALUE;

    long next() {
        long id = next.getAndIncrement();
        if (id >= ceiling) {
            throw new IllegalStateException("id " + id + " is past this writer's range [" + floor + ", " + ceiling + ")");
        }
        return id;
    }

    void range(long floor, long ceiling) {
        this.floor = floor;
        this.ceiling = ceiling;
        next.accumulateAndGet(floor, Math::max);
    }

    /** An id found in the store: the next one is past it, if it is in this writer's range. */
    void seen(long id) {
        if (id >= floor && id < ceiling) {
            next.accumulateAndGet(id + 1, Math::max);
        }
    }
}
