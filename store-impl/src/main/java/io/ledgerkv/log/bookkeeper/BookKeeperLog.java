package io.ledgerkv.log.bookkeeper;

import io.ledgerkv.api.ClientConfig;
import io.ledgerkv.api.ClusterUnavailableException;
import io.ledgerkv.api.DigestType;
import io.ledgerkv.api.InvalidConfigException;
import io.ledgerkv.log.LedgerLog;
import io.ledgerkv.log.LogError;
import io.ledgerkv.log.LogException;
import io.ledgerkv.log.ReadLedger;
import io.ledgerkv.log.TlsFiles;
import io.ledgerkv.log.WriteLedger;
import io.ledgerkv.meta.zookeeper.ZkClients;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.bookkeeper.client.BKException;
import org.apache.bookkeeper.client.BookKeeper;
import org.apache.bookkeeper.client.BookKeeperAdmin;
import org.apache.bookkeeper.client.LedgerEntry;
import org.apache.bookkeeper.client.LedgerHandle;
import org.apache.bookkeeper.client.api.LedgerMetadata;
import org.apache.bookkeeper.conf.ClientConfiguration;
import org.apache.bookkeeper.net.BookieId;
import org.apache.bookkeeper.proto.BookieProtocol;
import org.apache.bookkeeper.proto.LedgerMetadataFormat;
import org.apache.bookkeeper.proto.checksum.DigestManager;
import org.apache.bookkeeper.tls.TLSContextFactory;
import org.apache.zookeeper.ZooKeeper;

/** {@link LedgerLog} on a BookKeeper cluster: the only main class of the store that uses BookKeeper's client. */
public final class BookKeeperLog implements LedgerLog {
    /** Entries fetched per read request during replay. */
    static final int READ_BATCH = 64;
    /** How soon after its last add an idle writer tells the bookies its last-add-confirmed. */
    public static final int EXPLICIT_LAC_INTERVAL_MS = 100;

    private final BookKeeper bk;
    private final String hint;
    /** BookKeeper's ZooKeeper handle when we made it (ZooKeeper over TLS); closed with the log. */
    private final ZooKeeper metadataZk;

    private BookKeeperLog(BookKeeper bk, String hint, ZooKeeper metadataZk) {
        this.bk = bk;
        this.hint = hint;
        this.metadataZk = metadataZk;
    }

    /** A log on the cluster {@code cc} names (throttle off: backpressure is ours; CRC32C; bounded timeouts). */
    public static BookKeeperLog connect(ClientConfig cc) {
        if (cc.zkTls()) {
            throw new InvalidConfigException("zkTls", "a bare BookKeeper client cannot reach ZooKeeper over TLS"
                    + " by itself; pass it a handle from ZkClients.connect (DefaultLedgerKv.connect does)");
        }
        TlsFiles.checkTls(cc);
        return connect(cc, (ZooKeeper) null);
    }

    /**
     * A log for a store client: BookKeeper's metadata goes through ZooKeeper with {@code cc}'s own
     * settings. Over TLS that takes a ZooKeeper handle made here (BookKeeper's own metadata client
     * reads TLS settings only from JVM-wide properties); {@code onMetadataSessionExpired} runs if its
     * session expires (BookKeeper does not replace a handle it was given).
     */
    public static BookKeeperLog connect(ClientConfig cc, Runnable onMetadataSessionExpired) {
        ZooKeeper metadataZk = cc.zkTls() ? ZkClients.connect(cc, onMetadataSessionExpired) : null;
        try {
            return connect(cc, metadataZk);
        } catch (RuntimeException e) {
            if (metadataZk != null) {
                try {
                    metadataZk.close();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
            throw e;
        }
    }

    /**
     * As {@link #connect(ClientConfig)}, with BookKeeper's metadata kept through {@code metadataZk}
     * when not null (a handle connected with this client's own ZooKeeper settings, e.g. TLS), which
     * the log then owns and closes. The caller has checked the TLS files ({@link TlsFiles#checkTls}).
     */
    public static BookKeeperLog connect(ClientConfig cc, ZooKeeper metadataZk) {
        return new BookKeeperLog(newClient(cc, metadataZk), tlsHint(cc), metadataZk);
    }

    /** A bare BookKeeper client configured as ledgerkv configures its own (for benchmarks against raw BookKeeper). */
    public static BookKeeper newClient(ClientConfig cc) {
        TlsFiles.checkTls(cc);
        return newClient(cc, null);
    }

    // Deprecated in 4.18 without a replacement for handing BookKeeper our own ZooKeeper handle (decision 27).
    @SuppressWarnings("deprecation")
    private static BookKeeper newClient(ClientConfig cc, ZooKeeper metadataZk) {
        ClientConfiguration conf = new ClientConfiguration();
        conf.setMetadataServiceUri(cc.metadataServiceUri());
        // With a handle of ours, BookKeeper takes the ledgers root from here, not from the URI.
        conf.setZkLedgersRootPath(cc.ledgersRootPath());
        conf.setThrottleValue(0);
        conf.setAddEntryTimeout((int) Math.max(1, cc.addEntryTimeout().toSeconds()));
        conf.setReadEntryTimeout((int) Math.max(1, cc.readEntryTimeout().toSeconds()));
        conf.setZkTimeout((int) cc.sessionTimeout().toMillis());
        conf.setEnableDigestTypeAutodetection(true);
        // Readers (read-only handles, standbys, backups) learn the last confirmed entry from the
        // next entry's piggyback, or from this explicit push when the writer has gone quiet.
        conf.setExplictLacInterval(EXPLICIT_LAC_INTERVAL_MS);
        if (cc.tlsTrustStore() != null) {
            if (cc.tlsKeyStore() != null) {
                // BookKeeper's client loads its key only with "client authentication" on.
                conf.setTLSClientAuthentication(true);
                conf.setTLSKeyStoreType("PKCS12");
                conf.setTLSKeyStore(cc.tlsKeyStore().toString());
                conf.setTLSKeyStorePasswordPath(cc.tlsKeyStorePasswordFile().toString());
            }
            conf.setTLSProviderFactoryClass(TLSContextFactory.class.getName());
            conf.setTLSProvider("JDK");
            conf.setTLSTrustStoreType("PKCS12");
            conf.setTLSTrustStore(cc.tlsTrustStore().toString());
            conf.setTLSTrustStorePasswordPath(cc.tlsTrustStorePasswordFile().toString());
        }
        try {
            return BookKeeper.forConfig(conf).zk(metadataZk).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnavailableException("interrupted while connecting to BookKeeper", e);
        } catch (Exception e) {
            throw new ClusterUnavailableException("cannot connect to BookKeeper at " + cc.metadataServiceUri() + ": " + e.getMessage(), e);
        }
    }

    private static String tlsHint(ClientConfig cc) {
        if (cc.tlsTrustStore() == null) {
            return "";
        }
        return " (connections to bookies use TLS, trusting " + cc.tlsTrustStore()
                + (cc.tlsKeyStore() == null ? ", with no client certificate" : ", presenting the client certificate in "
                + cc.tlsKeyStore()) + ": a bookie whose certificate that truststore does not trust, or whose certificate"
                + " has expired, cannot be reached; nor can bookies that require client certificates and do not"
                + " admit this client's (not trusted, or its role not allowed))";
    }

    /** BookKeeper's ZooKeeper handle when this log made it (ZooKeeper over TLS), else null; for tests that expire it. */
    public ZooKeeper metadataZooKeeper() {
        return metadataZk;
    }

    /** The BookKeeper client underneath, for tests and benchmarks that compare with raw BookKeeper. */
    public BookKeeper client() {
        return bk;
    }

    @Override
    public String unreachableHint() {
        return hint;
    }

    static BookKeeper.DigestType digest(DigestType d) {
        return switch (d) {
            case CRC32C -> BookKeeper.DigestType.CRC32C;
            case CRC32 -> BookKeeper.DigestType.CRC32;
            case MAC -> BookKeeper.DigestType.MAC;
        };
    }

    /** BookKeeper's result code in ledgerkv's terms. */
    static LogError error(int rc) {
        return switch (rc) {
            case BKException.Code.LedgerFencedException -> LogError.FENCED;
            case BKException.Code.UnauthorizedAccessException -> LogError.UNAUTHORIZED;
            case BKException.Code.NoSuchLedgerExistsException, BKException.Code.NoSuchLedgerExistsOnMetadataServerException ->
                    LogError.NO_SUCH_LEDGER;
            case BKException.Code.NotEnoughBookiesException -> LogError.NOT_ENOUGH_BOOKIES;
            case BKException.Code.BookieHandleNotAvailableException -> LogError.BOOKIE_UNAVAILABLE;
            case BKException.Code.TimeoutException, BKException.Code.AddEntryQuorumTimeoutException -> LogError.TIMEOUT;
            case BKException.Code.MetadataVersionException -> LogError.METADATA_VERSION;
            case BKException.Code.ZKException, BKException.Code.MetaStoreException -> LogError.METADATA_UNAVAILABLE;
            case BKException.Code.LedgerClosedException -> LogError.LEDGER_CLOSED;
            case BKException.Code.ReadException, BKException.Code.NoSuchEntryException, BKException.Code.DigestMatchException ->
                    LogError.READ_FAILED;
            case BKException.Code.LedgerRecoveryException -> LogError.RECOVERY_FAILED;
            case BKException.Code.WriteException -> LogError.BOOKIE_UNAVAILABLE;
            case BKException.Code.InterruptedException -> LogError.INTERRUPTED;
            case BKException.Code.ClientClosedException -> LogError.CLIENT_CLOSED;
            default -> LogError.OTHER;
        };
    }

    /** A blocking BookKeeper call. */
    @FunctionalInterface
    private interface Call<T> {
        T call() throws BKException, InterruptedException;
    }

    /** Runs a blocking BookKeeper call, its failures as {@link LogException}s. */
    private static <T> T call(Call<T> c) throws LogException {
        try {
            return c.call();
        } catch (BKException e) {
            throw failure(e);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    static LogException failure(BKException e) {
        return new LogException(error(e.getCode()), e.getMessage(), e);
    }

    static LogException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new LogException(LogError.INTERRUPTED, "interrupted", e);
    }

    @Override
    public WriteLedger create(Spec spec, byte[] password, Map<String, byte[]> custom) throws LogException {
        return new Writer(call(() -> bk.createLedger(spec.ensemble(), spec.writeQuorum(), spec.ackQuorum(), digest(spec.digest()),
                password, custom)));
    }

    @Override
    public ReadLedger open(long ledgerId, byte[] password, boolean recover) throws LogException {
        return new Reader(call(() -> recover ? bk.openLedger(ledgerId, BookKeeper.DigestType.CRC32C, password)
                : bk.openLedgerNoRecovery(ledgerId, BookKeeper.DigestType.CRC32C, password)));
    }

    @Override
    public void delete(long ledgerId) throws LogException {
        call(() -> {
            bk.deleteLedger(ledgerId);
            return null;
        });
    }

    private LedgerMetadata metadata(long ledgerId) throws LogException {
        try {
            return bk.getLedgerManager().readLedgerMetadata(ledgerId).get().getValue();
        } catch (InterruptedException e) {
            throw interrupted(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BKException b) {
                throw failure(b);
            }
            throw new LogException(LogError.METADATA_UNAVAILABLE, "reading the metadata of ledger " + ledgerId + ": " + e.getCause(),
                    e.getCause());
        }
    }

    @Override
    public LedgerInfo info(long ledgerId) throws LogException {
        LedgerMetadata md = metadata(ledgerId);
        TreeMap<Long, List<String>> ensembles = new TreeMap<>();
        for (Map.Entry<Long, ? extends List<BookieId>> e : md.getAllEnsembles().entrySet()) {
            List<String> ids = new ArrayList<>();
            for (BookieId b : e.getValue()) {
                ids.add(b.toString());
            }
            ensembles.put(e.getKey(), ids);
        }
        return new LedgerInfo(md.isClosed(), md.isClosed() ? md.getLastEntryId() : -1, md.isClosed() ? md.getLength() : -1,
                ensembles);
    }

    @Override
    @SuppressWarnings("try") // BookKeeperAdmin's close() declares InterruptedException
    public Bookies bookies() throws LogException {
        List<String> up = new ArrayList<>();
        List<String> ro = new ArrayList<>();
        try (BookKeeperAdmin admin = new BookKeeperAdmin(bk)) {
            for (BookieId b : admin.getAvailableBookies()) {
                up.add(b.toString());
            }
            for (BookieId b : admin.getReadOnlyBookies()) {
                ro.add(b.toString());
            }
        } catch (BKException e) {
            throw failure(e);
        } catch (Exception e) {
            throw new LogException(LogError.METADATA_UNAVAILABLE, "cannot list bookies: " + e, e);
        }
        up.sort(null);
        ro.sort(null);
        return new Bookies(up, ro);
    }

    @Override
    public void close() {
        try {
            bk.close();
        } catch (Exception e) {
            // closing anyway
        } finally {
            if (metadataZk != null) {
                try {
                    metadataZk.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private final class Writer implements WriteLedger {
        private final LedgerHandle lh;

        Writer(LedgerHandle lh) {
            this.lh = lh;
        }

        @Override
        public long id() {
            return lh.getId();
        }

        @Override
        public void append(byte[] data, int off, int len, AppendCallback cb, Object ctx) {
            lh.asyncAddEntry(data, off, len, (rc, h, entryId, c) ->
                    cb.complete(rc == BKException.Code.OK ? null : error(rc), entryId, c), ctx);
        }

        @Override
        public long append(byte[] data) throws LogException {
            return call(() -> lh.addEntry(data));
        }

        @Override
        public long close() throws LogException {
            call(() -> {
                lh.close();
                return null;
            });
            LedgerMetadata md = metadata(lh.getId());
            if (!md.isClosed()) {
                throw new LogException(LogError.OTHER, "ledger " + lh.getId() + " is not closed in its metadata after close");
            }
            return md.getLastEntryId();
        }

        @Override
        public long lastAddConfirmed() {
            return lh.getLastAddConfirmed();
        }

        @Override
        public int ensembleChanges() {
            return Math.max(0, lh.getLedgerMetadata().getAllEnsembles().size() - 1);
        }
    }

    private final class Reader implements ReadLedger {
        private final LedgerHandle lh;

        Reader(LedgerHandle lh) {
            this.lh = lh;
        }

        @Override
        public long id() {
            return lh.getId();
        }

        @Override
        public boolean isClosed() {
            return lh.isClosed();
        }

        @Override
        public long lastAddConfirmed() {
            return lh.getLastAddConfirmed();
        }

        @Override
        public long readLastConfirmed() throws LogException {
            return call(() -> Math.max(lh.readLastConfirmed(), lh.readExplicitLastConfirmed()));
        }

        @Override
        public void read(long first, long last, EntryConsumer consumer) throws LogException {
            for (long from = first; from <= last; from += READ_BATCH) {
                long batchFrom = from;
                long to = Math.min(last, from + READ_BATCH - 1);
                Enumeration<LedgerEntry> en = call(() -> lh.readEntries(batchFrom, to));
                while (en.hasMoreElements()) {
                    LedgerEntry e = en.nextElement();
                    consumer.accept(e.getEntryId(), e.getEntry());
                }
            }
        }

        @Override
        public List<Replica> readReplicas(long entryId) throws LogException {
            LedgerMetadata md = lh.getLedgerMetadata();
            List<BookieId> ensemble = md.getEnsembleAt(entryId);
            DigestManager digests;
            try {
                digests = DigestManager.instantiate(lh.getId(), md.getPassword(),
                        md.getDigestType() == org.apache.bookkeeper.client.api.DigestType.MAC
                                ? LedgerMetadataFormat.DigestType.HMAC
                                : LedgerMetadataFormat.DigestType.valueOf(md.getDigestType().name()),
                        UnpooledByteBufAllocator.DEFAULT, false);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new LogException(LogError.OTHER, "cannot check copies of ledger " + lh.getId() + ": " + e, e);
            }
            List<Replica> out = new ArrayList<>();
            // BookKeeper's round-robin write set: the write-quorum bookies from (entryId mod ensemble size) on.
            for (int i = 0; i < md.getWriteQuorumSize(); i++) {
                BookieId bookie = ensemble.get((int) ((entryId + i) % ensemble.size()));
                CompletableFuture<byte[]> copy = new CompletableFuture<>();
                bk.getClientCtx().getBookieClient().readEntry(bookie, lh.getId(), entryId, (rc, ledgerId, eid, buffer, ctx) -> {
                    if (rc != BKException.Code.OK) {
                        copy.completeExceptionally(BKException.create(rc));
                        return;
                    }
                    try {
                        ByteBuf data = digests.verifyDigestAndReturnData(eid, buffer);
                        byte[] bytes = new byte[data.readableBytes()];
                        data.readBytes(bytes);
                        copy.complete(bytes);
                    } catch (BKException e) {
                        copy.completeExceptionally(e);
                    } finally {
                        buffer.release(); // the read's buffer is ours to release, as in BookKeeper's own reads
                    }
                }, null, BookieProtocol.FLAG_NONE);
                try {
                    out.add(new Replica(bookie.toString(), copy.get(30, TimeUnit.SECONDS), null));
                } catch (InterruptedException e) {
                    throw interrupted(e);
                } catch (ExecutionException | TimeoutException e) {
                    Throwable why = e instanceof ExecutionException ? e.getCause() : e;
                    out.add(new Replica(bookie.toString(), null, why.toString()));
                }
            }
            return out;
        }

        @Override
        public void close() {
            try {
                lh.close();
            } catch (Exception e) {
                // read handles: nothing to lose
            }
        }
    }
}
