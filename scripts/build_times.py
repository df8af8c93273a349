#!/usr/bin/env python3
"""Where a ninja build's time went, from its .ninja_log (docs/guides/building.md).

Usage: scripts/build_times.py BUILD_DIR [TOP]
Prints the build's wall time and summed step time, the time per target folder (compile, link, other:
shaders, jars, ...), and the TOP slowest steps. Only the newest run of each step counts, so run it after
a build from nothing (an empty ccache) for a fresh build's figures.
"""
import collections
import os
import sys


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    log = os.path.join(sys.argv[1], ".ninja_log")
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    steps = {}
    with open(log) as f:
        for line in f:
            if line.startswith("#"):
                continue
            start, end, _mtime, output, _hash = line.rstrip("\n").split("\t")
            steps[output] = (int(start), int(end))
    if not steps:
        sys.exit(f"{log}: no steps")
    wall = (max(e for _, e in steps.values()) - min(s for s, _ in steps.values())) / 1000
    total = sum(e - s for s, e in steps.values()) / 1000
    print(f"{len(steps)} steps, wall {wall:.0f} s, summed {total:.0f} s")
    groups = collections.Counter()
    for output, (s, e) in steps.items():
        kind = "compile" if output.endswith(".o") else "link" if "CMakeFiles" not in output and (
            output.endswith((".a", ".so")) or ".so." in output or "." not in os.path.basename(output)) else "other"
        parts = output.split("/")
        target = next((p[:-4] for p in parts if p.endswith(".dir")), parts[0] if len(parts) > 1 else "(top)")
        groups[(target, kind)] += (e - s) / 1000
    print("\nby target:")
    for (target, kind), t in sorted(groups.items(), key=lambda x: -x[1]):
        if t >= 1:
            print(f"  {t:7.1f} s  {target} ({kind})")
    print(f"\n{top} slowest steps:")
    for output, (s, e) in sorted(steps.items(), key=lambda x: x[1][0] - x[1][1])[:top]:
        print(f"  {(e - s) / 1000:7.1f} s  {output}")


if __name__ == "__main__":
    main()
