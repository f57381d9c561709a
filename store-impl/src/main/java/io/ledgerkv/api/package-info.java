/**
 * The public surface of ledgerkv: {@link io.ledgerkv.api.LedgerKv} connects to a cluster and opens
 * stores by name; a {@link io.ledgerkv.api.KvStore} reads and writes one store; settings are
 * {@link io.ledgerkv.api.ClientConfig} and {@link io.ledgerkv.api.StoreConfig}. Everything outside
 * this package is implementation (issue 21 makes that explicit).
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>{@link io.ledgerkv.api.LedgerKv}, {@link io.ledgerkv.api.KvStore} (writer, read-only and
 *       {@link io.ledgerkv.api.StandbyStore} handles), {@link io.ledgerkv.api.TypedStore} and
 *       {@link io.ledgerkv.api.KvSnapshot} may be used by many threads at once. Writes from
 *       several threads are ordered by the store's single committer; each is one transaction.</li>
 *   <li>A {@link io.ledgerkv.api.Txn} and a {@link io.ledgerkv.api.KvIterator} are used by one
 *       thread at a time (hand them over with the usual happens-before, e.g. through a queue).</li>
 *   <li>Configs ({@code ClientConfig}, {@code StoreConfig}), {@link io.ledgerkv.api.Lsn},
 *       {@link io.ledgerkv.api.KvEntry}, {@link io.ledgerkv.api.StoreStatus} and the other records
 *       are immutable; their builders are not thread-safe.</li>
 *   <li>Futures returned by the async methods complete on ledgerkv's own completion threads, never
 *       on BookKeeper's or the committer's, so a continuation may block or call the store.</li>
 * </ul>
 *
 * <h2>Nulls and arrays</h2>
 * <ul>
 *   <li>Keys, values and TTLs must not be {@code null}: every method throws
 *       {@link java.lang.NullPointerException} naming the argument before anything is written.
 *       A value is removed with {@code delete}, never by putting {@code null}. A {@code null} store
 *       name is an invalid name ({@link java.lang.IllegalArgumentException}, as a malformed one),
 *       and a {@code null} config an {@link io.ledgerkv.api.InvalidConfigException}.</li>
 *   <li>A read returns {@code null} for an absent key ({@code get}, {@code getWithVersion}, and
 *       the absent keys' slots in {@code getAll}); nothing else returns {@code null} unless its
 *       documentation says so.</li>
 *   <li>The store copies every key and value it is given before the call returns, so the caller
 *       may reuse its arrays at once; every array it returns is a copy that belongs to the caller.
 *       That is what keeps a snapshot's and an iterator's state stable whatever callers do with
 *       their arrays.</li>
 * </ul>
 *
 * <h2>Errors</h2>
 * Failures are unchecked: {@link io.ledgerkv.api.LedgerKvException} and its subclasses (for
 * example {@link io.ledgerkv.api.StoreFencedException}, {@link io.ledgerkv.api.LimitExceededException},
 * {@link io.ledgerkv.api.AccessDeniedException}), plus {@code NullPointerException} and
 * {@code IllegalArgumentException} for bad arguments. Bad arguments and a closed, fenced or
 * read-only handle are refused when the method is called, before anything is written; a failure
 * of the write itself completes the returned future exceptionally (the blocking methods throw it).
 */
package io.ledgerkv.api;
