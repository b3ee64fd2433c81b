#!/usr/bin/env python3
"""Fails when an #include in src/ breaks the layer rule of docs/architecture.md.

Each folder of src/ has a layer; a file may include its own folder, any folder of a lower layer,
and the folders its layer lists as allowed beside it. Folder-level cycles are refused too.
Usage: tools/check_layers.py [SRC_DIR]   (exit 1 with one line per offending include)
       tools/check_layers.py --self-test   (proves on a made-up tree that a violation and a cycle fail)
"""
import os
import re
import sys

# Lowest first. A folder may include folders of lower layers only (plus SIDEWAYS below).
LAYERS = [
    ["common"],
    ["net", "metrics"],
    ["plan"],
    ["vu", "schedule", "script", "demo"],
    ["frontends"],  # frontends/front_end.h: the interface the engine drives
    ["frontends/k6", "frontends/artillery", "frontends/locust", "frontends/quick", "outputs", "report"],
    ["live"],
    ["engine"],
    ["cli"],
]
# Same-layer includes that are part of the design (each a one-way street; cycles are still refused).
SIDEWAYS = {
    ("schedule", "vu"),      # the scheduler drives the native workers
    ("script", "vu"),        # scripted VUs run on a native worker
    ("frontends/k6", "report"),  # handleSummary() and textSummary() are given k6's summary shapes
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def folder_of(path):
    """The layer folder of a path relative to src/ ("frontends/k6/runtime/js_vu.h" -> "frontends/k6")."""
    parts = path.split("/")
    if parts[0] == "frontends" and len(parts) > 2:  # frontends/front_end.h is the folder "frontends"
        return "/".join(parts[:2])
    return parts[0]


def self_test():
    import tempfile
    with tempfile.TemporaryDirectory() as tree:
        def write(path, text):
            os.makedirs(os.path.dirname(os.path.join(tree, path)), exist_ok=True)
            with open(os.path.join(tree, path), "w", encoding="utf-8") as f:
                f.write(text)
        write("common/a.h", "")
        write("net/b.h", '#include "common/a.h"\n')
        write("engine/e.h", '#include "net/b.h"\n')
        clean = check(tree)
        write("metrics/m.h", '#include "report/r.h"\n')   # lower includes higher
        write("report/r.h", '#include "metrics/m.h"\n')
        write("vu/v.h", '#include "script/s.h"\n')        # with script -> vu: a cycle
        write("script/s.h", '#include "vu/v.h"\n')
        broken = check(tree)
    ok = not clean and any("metrics/m.h:1" in p for p in broken) and any("cycle" in p for p in broken)
    print("self-test", "passed" if ok else f"FAILED: clean={clean} broken={broken}")
    return 0 if ok else 1


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src")
    problems = check(src)
    for p in problems:
        print(p)
    return 1 if problems else 0


def check(src):
    """Every problem found under `src`, one line each."""
    rank = {folder: i for i, layer in enumerate(LAYERS) for folder in layer}
    problems, edges = [], {}
    for root, _, files in os.walk(src):
        for name in files:
            if not name.endswith((".h", ".cc")):
                continue
            path = os.path.relpath(os.path.join(root, name), src)
            here = folder_of(path)
            if here not in rank:
                problems.append(f"src/{path}: folder '{here}' has no layer in tools/check_layers.py")
                continue
            with open(os.path.join(root, name), encoding="utf-8") as f:
                text = f.read()
            for line_no, included in ((text.count("\n", 0, m.start()) + 1, m.group(1)) for m in INCLUDE.finditer(text)):
                if not os.path.exists(os.path.join(src, included)):
                    continue  # generated or third-party
                there = folder_of(included)
                if there == here:
                    continue
                edges.setdefault(here, {}).setdefault(there, f"src/{path}:{line_no}")
                if rank.get(there, 99) < rank[here] or (here, there) in SIDEWAYS:
                    continue
                problems.append(f"src/{path}:{line_no}: {here} (layer {rank[here]}) includes {included} "
                                f"({there}, layer {rank.get(there, '?')}): a lower layer never includes a higher one")
    # Folder cycles (possible only through SIDEWAYS edges, but checked whatever the table says).
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt, where in edges.get(node, {}).items():
            if state.get(nxt) == "open":
                cycle = trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt]
                problems.append(f"{where}: include cycle between folders: {' -> '.join(cycle)}")
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for node in list(edges):
        if node not in state:
            visit(node, [node])
    return problems


if __name__ == "__main__":
    sys.exit(main())
