package io.ledgerkv.props;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerkv.api.InvalidConfigException;
import io.ledgerkv.api.Lsn;
import io.ledgerkv.api.StoreConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LSN order is a total order consistent with log order; config validation accepts exactly the valid quorums. */
class OrderAndConfigProperties {
    static final int TRIES = Integer.getInteger("ledgerkv.props.stateless.tries", 500);
    static final Gen<Lsn> LSN = r -> new Lsn(r.nextInt(0, 4), r.nextInt(-1, 4), r.nextInt(0, 3));

    @Test
    void lsnOrderIsATotalOrderMatchingLogPosition() {
        Property.forAll("LSN total order", TRIES, Gen.listOf(LSN, 3, 3), l -> {
            Lsn a = l.get(0);
            Lsn b = l.get(1);
            Lsn c = l.get(2);
            assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
            if (a.compareTo(b) <= 0 && b.compareTo(c) <= 0) {
                assertThat(a.compareTo(c)).isLessThanOrEqualTo(0);
            }
            assertThat(a.compareTo(b) == 0).isEqualTo(a.equals(b));
            assertThat(Lsn.parse(a.toString())).isEqualTo(a);
            // Log order: ledger position first, then entry, then slot within the entry.
            long posA = (a.ledgerSeq() * 10 + (a.entryId() + 1)) * 10 + a.slot();
            long posB = (b.ledgerSeq() * 10 + (b.entryId() + 1)) * 10 + b.slot();
            assertThat(Integer.signum(a.compareTo(b))).isEqualTo(Long.signum(posA - posB));
        });
    }

    /** Exhaustive over ensemble, write and ack quorum in 0..9: valid exactly when 1 <= ack <= write <= ensemble. */
    @Test
    void quorumValidationAcceptsExactlyTheValidCombinations() {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (int e = 0; e <= 9; e++) {
            for (int w = 0; w <= 9; w++) {
                for (int a = 0; a <= 9; a++) {
                    boolean valid = 1 <= a && a <= w && w <= e;
                    boolean accepted;
                    try {
                        StoreConfig.builder().ledgerPassword("x").quorum(e, w, a).build();
                        accepted = true;
                    } catch (InvalidConfigException ex) {
                        accepted = false;
                    }
                    if (accepted != valid) {
                        wrong.add(e + "/" + w + "/" + a);
                    }
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(1000);
        assertThat(wrong).as("combinations judged wrongly").isEmpty();
    }
}
