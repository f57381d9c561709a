package io.ledgerkv.api;

import io.ledgerkv.api.spi.LedgerKvProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds the one {@link LedgerKvProvider} on the class path, once. */
final class Providers {
    private Providers() {
    }

    private static final class Holder {
        static final LedgerKvProvider PROVIDER = load(LedgerKv.class.getClassLoader());
    }

    static LedgerKvProvider ledgerKv() {
        return Holder.PROVIDER;
    }

    /**
     * The one provider {@code loader} sees; an {@link IllegalStateException} that names the service
     * file if there is none, and the providers if there is more than one.
     */
    static LedgerKvProvider load(ClassLoader loader) {
        List<LedgerKvProvider> found = new ArrayList<>();
        ServiceLoader.load(LedgerKvProvider.class, loader).forEach(found::add);
        if (found.isEmpty()) {
            throw new IllegalStateException("no ledgerkv implementation on the class path: no META-INF/services/"
                    + LedgerKvProvider.class.getName() + " names a provider (is the store-impl jar on the class path,"
                    + " and did a shaded jar keep its service files?)");
        }
        if (found.size() > 1) {
            List<String> names = new ArrayList<>();
            found.forEach(p -> names.add(p.getClass().getName()));
            throw new IllegalStateException("more than one ledgerkv implementation on the class path: " + names);
        }
        return found.get(0);
    }
}
