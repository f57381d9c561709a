#!/usr/bin/env python3
"""Re-plants a defect the simulation found (or that issue 18 traced), by undoing its fix in the
working tree, so anyone can watch the simulation property and FailurePathTest catch it again.

    python3 property-tests/plants/plant.py --list
    python3 property-tests/plants/plant.py stale-promotion      # then run the property; undo with:
    git checkout -- store-impl/src/main

Build a planted tree with -Dledgerkv.failOnWarning=false: undoing a fix can leave a variable unused,
and the library's compile otherwise fails on Error Prone's warning (decision 45), e.g.
    mvn -B -o test -pl store-impl -Dledgerkv.failOnWarning=false -Dtest=SimulationTest -Dledgerkv.sim.schedules=3000

Each plant is a set of (file, fixed code, defective code) replacements; a plant whose fixed code is
no longer in the file says so instead of guessing.
"""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
MAIN = ROOT / "store-impl/src/main/java/io/ledgerkv"

PLANTS = {
    "window-hang": ("issue 18 example 1: the committer waits for in-flight room without rolling, and without a bound", [
        ("txn/LedgerWriter.java",
         "while (failure == null && !rollRequested && inflightBytes > 0 && inflightBytes + bytes > cfg.maxInflightBytes()) {\n"
         "                    if (!awaitOutcome(since)) {\n"
         "                        stalled = true;\n"
         "                        break;\n"
         "                    }\n"
         "                }\n"
         "                if (failure != null || (!stalled && !rollRequested)) {",
         "while (failure == null && inflightBytes > 0 && inflightBytes + bytes > cfg.maxInflightBytes()) {\n"
         "                    lock.wait();\n"
         "                }\n"
         "                if (failure != null || !stalled) {"),
    ]),
    "split-txn-replay": ("issue 18 example 2: later parts of a transaction the checkpoint holds are not skipped", [
        ("wal/WalReplayer.java",
         "            if (seq <= lastSeq && lastSeq == startSeq) {\n"
         "                return; // the starting checkpoint holds the transaction\n"
         "            }\n",
         ""),
    ]),
    "lost-ledger-response": ("issue 18 example 3: a resent ledger-list update is taken for someone else's, and its ledger deleted", [
        ("meta/StoreMetadata.java",
         "                ZkNodes.Node target = zk.get(op.path());\n"
         "                if (java.util.Arrays.equals(target.data(), op.data())) {\n"
         "                    return target.version();\n"
         "                }\n",
         ""),
        ("txn/LedgerChain.java",
         "        try {\n"
         "            for (LedgerRef r : meta.readLedgers().value().ledgers()) {",
         "        try {\n"
         "            for (LedgerRef r : List.<LedgerRef>of()) {"),
    ]),
    "double-checkpoint": ("issue 18 example 4: a checkpoint registered twice is listed twice and retention deletes its ledger", [
        ("store/CheckpointStore.java",
         "            if (seen.add(cp.ledgerId())) {",
         "            if (seen.add(cp.ledgerId()) || true) {"),
        ("store/CheckpointStore.java",
         "        for (CheckpointInfo r : registrations()) {\n"
         "            if (r.ledgerId() == cp.ledgerId() && r.id() < mine.id()) {",
         "        for (CheckpointInfo r : List.<CheckpointInfo>of()) {\n"
         "            if (r.ledgerId() == cp.ledgerId() && r.id() < mine.id()) {"),
        ("store/CheckpointStore.java",
         "        for (CheckpointInfo r : registrations()) {\n"
         "            if (r.ledgerId() == cp.ledgerId()) {\n"
         "                return;",
         "        for (CheckpointInfo r : List.<CheckpointInfo>of()) {\n"
         "            if (r.ledgerId() == cp.ledgerId()) {\n"
         "                return;"),
    ]),
    "partial-read-cursor": ("found by the simulation: a read failing part way leaves the cursor where it began", [
        ("store/LogReader.java", "                        next.put(seqOfLedger, entryId + 1);\n", ""),
    ]),
    "stale-promotion": ("found by the simulation: a standby behind a trimming checkpoint promotes with its stale state", [
        ("store/BookKeeperStore.java",
         "if (cps.isEmpty() || reader.index().lastSeq() >= cps.get(cps.size() - 1).txnSeq()) {",
         "if (true) {"),
        ("store/BookKeeperStore.java",
         "        if (recoveredSeq < published.lastTxnSeq()) {",
         "        if (false) {"),
    ]),
    "unfinished-gap": ("found by the simulation: a transaction's missing rest is taken for corruption, not a gap", [
        ("wal/WalReplayer.java", "        if (seq > partsSeq) {\n            return new WalGapException(",
         "        if (false) {\n            return new WalGapException("),
        ("wal/WalReplayer.java", "            if (seq > lastSeq) {\n                throw new WalGapException(",
         "            if (false) {\n                throw new WalGapException("),
    ]),
    "skipped-parts-gap": ("found by the exhaustive simulation run: parts missing at a ledger boundary are taken for corruption", [
        ("wal/WalReplayer.java", "} else if (seq == partsSeq && e.count() > nextPart && ledgerId != partsLedgerId) {",
         "} else if (false) {"),
    ]),
}


def main(argv):
    if len(argv) != 2 or argv[1] == "--list":
        for name, (what, _) in PLANTS.items():
            print(f"{name:22} {what}")
        return 0 if len(argv) == 2 else 2
    name = argv[1]
    if name not in PLANTS:
        print(f"no plant '{name}'; --list shows them", file=sys.stderr)
        return 2
    edits = []
    for rel, fixed, defective in PLANTS[name][1]:
        path = MAIN / rel
        text = edits_text(edits, path) if any(p == path for p, _ in edits) else path.read_text()
        if text.count(fixed) != 1:
            print(f"{rel}: the fixed code of '{name}' is not (exactly once) there any more; update this plant", file=sys.stderr)
            return 1
        text = text.replace(fixed, defective)
        edits = [(p, t) for p, t in edits if p != path] + [(path, text)]
    for path, text in edits:
        path.write_text(text)
        print(f"planted '{name}' in {path.relative_to(ROOT)}")
    print("build with -Dledgerkv.failOnWarning=false (the planted code may leave a warning); undo with: git checkout -- store-impl/src/main")
    return 0


def edits_text(edits, path):
    return next(t for p, t in edits if p == path)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
