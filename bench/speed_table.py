#!/usr/bin/env python3
"""Formats bench/speed.sh's measurements next to llama.cpp's figures from peer-speed.md.

stdin: lines "<kind> <name> <braid-cli bench JSON>", kind = speed (the 180M model, name = its type),
small (a shipped decoder model) or embed (a bert model). argv: peer-speed.md, backend (cpu|vulkan).
"""
import json
import re
import sys


def number(cell):
    """The figure in a peer cell ('6,852', '500–575' → its middle, '–' → None)."""
    values = [float(v.replace(",", "")) for v in re.findall(r"[0-9][0-9,]*\.?[0-9]*", cell)]
    return sum(values) / len(values) if values else None


def read_peer(path, backend):
    speed, small, embed = {}, {}, {}
    for line in open(path, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 5 or not cells[0] or cells[0] in ("type", "model") or set(cells[0]) <= {"-"}:
            continue
        if cells[0] in ("Q4_0", "Q4_K_M", "Q8_0", "F16"):  # | type | size | pp | tg | ceiling | vulkan pp / tg |
            if backend == "cpu":
                speed[cells[0].lower()] = (cells[2], cells[3])
            else:
                parts = [p.strip() for p in cells[5].split("/")] if len(cells) > 5 else []
                speed[cells[0].lower()] = tuple(parts) if len(parts) == 2 else ("–", "–")
        elif cells[0].startswith("tiny-bert"):  # | model | cpu sentence | cpu batch | vk sentence | vk batch |
            embed[cells[0]] = (cells[1], cells[2]) if backend == "cpu" else (cells[3], cells[4])
        else:  # | model | cpu pp | cpu tg | vk pp | vk tg |
            small[cells[0].split(" ")[0]] = (cells[1], cells[2]) if backend == "cpu" else (cells[3], cells[4])
    return speed, small, embed


def read_peer_pp2048(path):
    """llama.cpp's 2,048-token prompt figure per 180M type, from peer-speed.md's long-prompt paragraph
    ('**Long prompts** — `bench-llama-180m-q4_0.gguf` … llama.cpp 528–529 tok/s prompt processing')."""
    text = open(path, encoding="utf-8").read()
    found = {}
    for m in re.finditer(r"bench-llama-180m-([a-z0-9_]+)\.gguf`[^*]*?llama\.cpp ([0-9][0-9,–.]*) tok/s prompt", text):
        found[m.group(1)] = m.group(2)
    return found


def ratio(ours, peer_cell):
    peer = number(peer_cell)
    return f"{ours / peer:.2f}×" if peer else "–"


def main():
    backend = sys.argv[2]
    speed, small, embed = read_peer(sys.argv[1], backend)
    peer_pp2048 = read_peer_pp2048(sys.argv[1]) if backend == "cpu" else {}
    rows, embed_rows, device, has_long = [], [], "", False
    for line in sys.stdin:
        kind, name, text = line.split(" ", 2)
        r = json.loads(text)
        device = r.get("device", device)
        if kind == "embed":
            sentence, batch = r["embed_sentence_tps"], r["pp_tps"]
            peer_s, peer_b = embed.get(name, ("–", "–"))
            embed_rows.append(f"| {name} | {sentence:,.0f} | {peer_s} | {ratio(sentence, peer_s)} | "
                              f"{batch:,.0f} | {peer_b} | {ratio(batch, peer_b)} |")
            continue
        if kind == "speed":
            peer_pp, peer_tg = speed.get(name, ("–", "–"))
            label = "bench-llama-180m " + name.upper()
        else:
            peer_pp, peer_tg = small.get(name, ("–", "–"))
            label = name
        pp, tg = r["pp_tps"], r["tg_tps"]
        long_cells = ""
        if "pp2048_tps" in r:  # speed.sh on the CPU: a 2,048-token prompt as well
            has_long = True
            long_pp, peer_long = r["pp2048_tps"], peer_pp2048.get(name, "–") if kind == "speed" else "–"
            long_cells = (f" {long_pp:,.1f} | {peer_long} | {ratio(long_pp, peer_long)} |" if long_pp
                          else " – | – | – |")
        rows.append(f"| {label} | {pp:,.1f} | {peer_pp} | {ratio(pp, peer_pp)} |{long_cells} "
                    f"{tg:,.1f} | {peer_tg} | {ratio(tg, peer_tg)} |")
    print(f"{backend}: {device}\n")
    if has_long:
        print("| model | braid pp128 tok/s | llama.cpp | ratio | braid pp2048 tok/s | llama.cpp | ratio | "
              "braid tg tok/s | llama.cpp | ratio |")
        print("|---|---|---|---|---|---|---|---|---|---|")
    else:
        print("| model | braid pp128 tok/s | llama.cpp | ratio | braid tg tok/s | llama.cpp | ratio |")
        print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    if embed_rows:
        print("\n| model | braid sentence tok/s | llama.cpp | ratio | braid batch128 tok/s | llama.cpp | ratio |")
        print("|---|---|---|---|---|---|---|")
        print("\n".join(embed_rows))


if __name__ == "__main__":
    main()
