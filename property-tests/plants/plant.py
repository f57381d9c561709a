#!/usr/bin/env python3
"""Re-plants a defect the simulation found (or that issue 18 traced), by undoing its fix in the
working tree, so anyone can watch the simulation property and FailurePathTest catch it again.

    python3 property-tests/plants/plant.py --list
    python3 property-tests/plants/plant.py stale-promotion      # then run the property; undo with:
    git checkout -- store-impl/src/main

Build a planted tree with -Dledgerkv.failOnWarning=false: undoing a fix can leave a variable unused,
and the library's compile otherwise fails on Error Prone's warning (decision 45), e.g.
    mvn -B -o test -pl store-impl -Dledgerkv.failOnWarning=false -Dtest=SimulationTest -Dledgerkv.sim.schedules=3000

Each plant is a set of (file, fixed code, defective code) replacements, kept in plants.json; a plant
whose fixed code is no longer in the file says so instead of guessing, and PlantsStillApplyTest
checks on every build that each one still applies.
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
MAIN = ROOT / "store-impl/src/main/java/io/ledgerkv"

# The plants live in plants.json, which PlantsStillApplyTest reads too: a plant whose fixed code is
# no longer in its file fails the build instead of rotting until someone tries to plant it.
PLANTS = {p["name"]: (p["what"], [(r["file"], r["fixed"], r["defective"]) for r in p["replacements"]])
          for p in json.loads((pathlib.Path(__file__).resolve().parent / "plants.json").read_text())}


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
