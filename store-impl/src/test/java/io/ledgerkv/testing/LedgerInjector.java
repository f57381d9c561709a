package io.ledgerkv.testing;

import io.ledgerkv.meta.Json;
import io.ledgerkv.meta.LedgerList;
import io.ledgerkv.meta.LedgerRef;
import io.ledgerkv.meta.ZkLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.bookkeeper.client.BookKeeper;
import org.apache.bookkeeper.client.LedgerHandle;
import org.apache.bookkeeper.conf.ClientConfiguration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;

/**
 * Plants raw bytes into a store's WAL, the way a bug, a disk fault or a newer version would: writes
 * them as entries of a new ledger (with the store's password) and appends that ledger, CLOSED, to
 * the store's ledger list. For tests of what a reader does with damaged or foreign entries.
 */
public final class LedgerInjector {
    private LedgerInjector() {
    }

    /** Returns the id of the planted ledger. The store must not have a writer open. */
    public static long appendLedger(ClusterExtension cluster, String namespace, String store, String password, byte[]... entries)
            throws Exception {
        try (BookKeeper bk = BookKeeper.forConfig(new ClientConfiguration().setMetadataServiceUri(cluster.metadataServiceUri())).build();
             CuratorFramework zk = CuratorFrameworkFactory.newClient(cluster.connectString(), new RetryOneTime(100))) {
            LedgerHandle lh = bk.createLedger(3, 3, 2, BookKeeper.DigestType.CRC32C, password.getBytes(StandardCharsets.UTF_8));
            for (byte[] e : entries) {
                lh.addEntry(e);
            }
            lh.close();
            zk.start();
            String path = new ZkLayout(namespace, store).ledgers();
            LedgerList list = Json.read(zk.getData().forPath(path), LedgerList.class, path);
            List<LedgerRef> refs = new ArrayList<>(list.ledgers());
            refs.add(new LedgerRef(list.nextSeq(), lh.getId(), 1, LedgerRef.State.CLOSED, entries.length - 1, -1));
            zk.setData().forPath(path, Json.write(new LedgerList(refs, list.nextSeq() + 1)));
            return lh.getId();
        }
    }
}
