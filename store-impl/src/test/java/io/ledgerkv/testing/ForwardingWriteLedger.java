package io.ledgerkv.testing;

import io.ledgerkv.log.LogException;
import io.ledgerkv.log.WriteLedger;

/**
 * A {@link WriteLedger} that passes every call to another: tests override the one call they
 * intercept (count closes, change an add's answer) and keep the rest of the real semantics.
 */
public class ForwardingWriteLedger implements WriteLedger {
    protected final WriteLedger delegate;

    public ForwardingWriteLedger(WriteLedger delegate) {
        this.delegate = delegate;
    }

    @Override
    public long id() {
        return delegate.id();
    }

    @Override
    public void append(byte[] data, int off, int len, AppendCallback cb, Object ctx) {
        delegate.append(data, off, len, cb, ctx);
    }

    @Override
    public long append(byte[] data) throws LogException {
        return delegate.append(data);
    }

    @Override
    public long close() throws LogException {
        return delegate.close();
    }

    @Override
    public long lastAddConfirmed() {
        return delegate.lastAddConfirmed();
    }

    @Override
    public int ensembleChanges() {
        return delegate.ensembleChanges();
    }
}
