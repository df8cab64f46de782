"""Public items of a crate from rustdoc JSON: every path reachable from the crate root,
with the methods and fields of each type, one line each, sorted."""
import json, sys
doc = json.load(open(sys.argv[1]))
index, root = doc["index"], doc["root"]
out = set()
def name(i): return index[i].get("name")
def walk(item_id, path, seen):
    it = index.get(str(item_id)) or index.get(item_id)
    if it is None or (item_id in seen): return
    seen = seen | {item_id}
    inner = it["inner"]; kind = next(iter(inner))
    if it.get("visibility") not in ("public", "default") and kind != "use": return
    if kind == "use":
        u = inner["use"]
        if it.get("visibility") != "public": return
        if u["id"] is None: return
        tgt = index.get(str(u["id"])) 
        if tgt is None: out.add(f"use {path}::{u['name']}"); return
        if u["is_glob"]:
            for c in tgt["inner"].get("module",{}).get("items",[]): walk(c, path, seen)
        else:
            walk_named(u["id"], f"{path}::{u['name']}", seen)
        return
    walk_named(item_id, f"{path}::{it['name']}", seen)
def walk_named(item_id, full, seen):
    it = index.get(str(item_id))
    if it is None: out.add(f"extern {full}"); return
    inner = it["inner"]; kind = next(iter(inner))
    if kind == "module":
        out.add(f"mod {full}")
        for c in inner["module"]["items"]: walk(c, full, seen)
        return
    if kind == "use": walk(item_id, full.rsplit("::",1)[0], seen); return
    sig = ""
    if kind == "function": sig = json.dumps(inner["function"]["sig"], sort_keys=True)[:0]
    out.add(f"{kind} {full}")
    body = inner[kind]
    for key in ("variants",):
        for v in body.get(key, []) or []: out.add(f"variant {full}::{index[str(v)]['name']}")
    kind_struct = body.get("kind") if isinstance(body, dict) else None
    if isinstance(kind_struct, dict) and "plain" in kind_struct:
        for f in kind_struct["plain"]["fields"]:
            fi = index.get(str(f))
            if fi and fi.get("visibility") == "public": out.add(f"field {full}.{fi['name']}")
    for imp in body.get("impls", []) or []:
        ii = index.get(str(imp)); 
        if not ii: continue
        im = ii["inner"]["impl"]
        if im.get("is_synthetic") or im.get("blanket_impl"): continue
        tr = im.get("trait")
        if tr: out.add(f"impl {tr['path']} for {full}"); continue
        for m in im["items"]:
            mi = index.get(str(m))
            if mi and mi.get("visibility") == "public": out.add(f"fn {full}::{mi['name']}")
walk_named(root, doc["index"][str(root)]["name"], frozenset())
print("\n".join(sorted(out)))
