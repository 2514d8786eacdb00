#!/usr/bin/env python3
"""Checks that every include in src/ and include/cajal/ goes down the pipeline.

The stages, in order (each may include only its own headers and those of earlier stages):

    syntax parse typecheck frontend eval network compile smt prove check learn draw testing driver cli

A file belongs to the stage of its folder (src/STAGE/... or include/cajal/STAGE/...). An include
of "cajal/OTHER/..." or of a relative path into another stage's folder must name an earlier stage,
and only the SMT layer (src/smt) may hold a z3::solver: every check runs under its watchdog.
Used by the build (a wrong-way include stops it) and by the CTest build.layers.

usage: check-layers.py ROOT            exit 0 when the graph is the pipeline, 1 with the offences
       check-layers.py ROOT --graph    also print the stage-to-stage include graph
"""
import os
import re
import sys

LAYERS = ["syntax", "parse", "typecheck", "frontend", "eval", "network", "compile", "smt", "prove",
          "check", "learn", "draw", "testing", "driver", "cli"]
RANK = {name: k for k, name in enumerate(LAYERS)}
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
SOLVER = re.compile(r'\bz3::solver\b')


def stage_of(rel):
    parts = rel.split(os.sep)
    if parts[0] == "src" and len(parts) > 2:
        return parts[1]
    if parts[:2] == ["include", "cajal"] and len(parts) > 3:
        return parts[2]
    return None


def sources(root):
    """(path relative to root, its folder, its stage) for every C++ file of a stage folder."""
    for top in ("src", os.path.join("include", "cajal")):
        for folder, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if name.endswith((".cpp", ".hpp", ".h")):
                    rel = os.path.relpath(os.path.join(folder, name), root)
                    yield rel, folder, stage_of(rel)


def line_of(text, m):
    return text.count("\n", 0, m.start()) + 1


def check_file(root, rel, folder, stage, offences, edges):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        text = f.read()
    if stage != "smt":
        for m in SOLVER.finditer(text):
            offences.append(f"{rel}:{line_of(text, m)}: uses z3::solver directly; "
                            "every solver check goes through the SMT layer (cajal/smt/solver.hpp)")
    for m in INCLUDE.finditer(text):
        target = m.group(1)
        if target.startswith("cajal/"):
            other = target.split("/")[1]
        else:  # relative: resolve against the including file's folder
            other = stage_of(os.path.relpath(os.path.normpath(os.path.join(folder, target)), root))
            if other is None:
                continue
        if other not in RANK:
            offences.append(f"{rel}:{line_of(text, m)}: includes \"{target}\", which belongs to no stage")
        elif RANK[other] > RANK[stage]:
            offences.append(f"{rel}:{line_of(text, m)}: `{stage}` includes \"{target}\" of the later stage `{other}` "
                            f"(the order is {' < '.join(LAYERS)})")
        elif other != stage:
            edges.add((stage, other))


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    root = argv[1]
    offences, edges, files = [], set(), 0
    for rel, folder, stage in sources(root):
        if stage is None:
            continue
        if stage not in RANK:
            offences.append(f"{rel}: folder `{stage}` is not a stage (add it to LAYERS in scripts/check-layers.py "
                            "and to CAJAL_LAYERS in CMakeLists.txt)")
            continue
        files += 1
        check_file(root, rel, folder, stage, offences, edges)
    if "--graph" in argv:
        for a, b in sorted(edges, key=lambda e: (RANK[e[0]], RANK[e[1]])):
            print(f"{a} -> {b}")
    if offences:
        print("check-layers: includes against the pipeline's order:", file=sys.stderr)
        for o in offences:
            print("  " + o, file=sys.stderr)
        return 1
    print(f"check-layers: {files} files, {len(edges)} stage-to-stage edges, all down the pipeline")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
