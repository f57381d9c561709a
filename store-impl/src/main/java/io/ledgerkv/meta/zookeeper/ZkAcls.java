package io.ledgerkv.meta.zookeeper;

import io.ledgerkv.meta.ZkLayout;
import java.util.List;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;

/**
 * ACLs for the znodes ledgerkv creates when a client has a ZooKeeper identity
 * ({@code ClientConfig.zkDigest}): {@code /ledgerkv} stays open (any service may create its own
 * namespace under it); a namespace and everything below it (stores, ledger lists, writer epochs,
 * checkpoints, dictionaries, stats) is readable and writable only by the identity that created it
 * ({@code CREATOR_ALL_ACL}: the digest of the creator's {@code user:password}). Without an identity,
 * znodes are created open, as before.
 */
public final class ZkAcls implements ACLProvider {
    @Override
    public List<ACL> getDefaultAcl() {
        return ZooDefs.Ids.CREATOR_ALL_ACL;
    }

    @Override
    public List<ACL> getAclForPath(String path) {
        return ZkLayout.ROOT.equals(path) || !path.startsWith(ZkLayout.ROOT + "/") ? ZooDefs.Ids.OPEN_ACL_UNSAFE
                : ZooDefs.Ids.CREATOR_ALL_ACL;
    }
}
