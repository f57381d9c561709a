package io.ledgerkv.meta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerListTest {

    @Test
    void anEmptyListHasNoLastLedgerAndStartsAtSequenceOne() {
        assertThat(LedgerList.EMPTY.last()).isNull();
        assertThat(LedgerList.EMPTY.nextSeq()).isEqualTo(1);
    }

    @Test
    void appendingAddsAnOpenLedgerAtTheNextSequence() {
        LedgerList l = LedgerList.EMPTY.append(10, 1).append(11, 2);
        assertThat(l.nextSeq()).isEqualTo(3);
        assertThat(l.last()).isEqualTo(new LedgerRef(2, 11, 2, LedgerRef.State.OPEN, -1, -1));
        assertThat(l.bySeq(1).ledgerId()).isEqualTo(10);
        assertThat(l.bySeq(3)).isNull();
    }

    @Test
    void replacingSwapsOnlyTheLedgerOfTheSameSequence() {
        LedgerList l = LedgerList.EMPTY.append(10, 1).append(11, 1);
        LedgerList closed = l.replace(l.bySeq(1).closed(5, 42));
        assertThat(closed.ledgers()).containsExactly(new LedgerRef(1, 10, 1, LedgerRef.State.CLOSED, 5, 42), l.bySeq(2));
        assertThat(closed.nextSeq()).isEqualTo(l.nextSeq());
        assertThat(l.bySeq(1).state()).as("lists are values").isEqualTo(LedgerRef.State.OPEN);
    }

    @Test
    void theListIsACopyOfWhatItWasBuiltFrom() {
        List<LedgerRef> refs = new ArrayList<>(List.of(new LedgerRef(1, 10, 1, LedgerRef.State.OPEN, -1, -1)));
        LedgerList l = new LedgerList(refs, 2);
        refs.clear();
        assertThat(l.ledgers()).hasSize(1);
    }

    @Test
    void itRoundTripsThroughItsZnodeJson() {
        LedgerList l = LedgerList.EMPTY.append(10, 1).replace(new LedgerRef(1, 10, 1, LedgerRef.State.CLOSED, 3, 7));
        assertThat(Json.read(Json.write(l), LedgerList.class, "/x")).isEqualTo(l);
    }
}
