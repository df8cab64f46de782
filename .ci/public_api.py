"""The public API of a crate, one item a line, from rustdoc's JSON output.

Lists every path reachable from the crate root (modules, types, functions, constants,
re-exports inlined), the public fields and variants of each type, its inherent methods and
the traits it implements by hand. CI diffs it against .ci/public-api.txt, so a reorganisation
that moves files cannot move or drop a public path unnoticed.

    RUSTC_BOOTSTRAP=1 cargo rustdoc -p cognito-auth --all-features -- \
        -Z unstable-options --output-format json
    python3 .ci/public_api.py target/doc/cognito_auth.json > .ci/public-api.txt
"""

import json
import sys


def main(path):
    doc = json.load(open(path))
    index = doc["index"]
    out = set()

    def item(item_id):
        return index.get(str(item_id))

    def walk_child(item_id, parent, seen):
        it = item(item_id)
        if it is None or item_id in seen:
            return
        seen = seen | {item_id}
        kind = next(iter(it["inner"]))
        if kind == "use":
            use = it["inner"]["use"]
            if it.get("visibility") != "public" or use["id"] is None:
                return
            target = item(use["id"])
            if target is None:
                out.add(f"use {parent}::{use['name']}")
            elif use["is_glob"]:
                for child in target["inner"].get("module", {}).get("items", []):
                    walk_child(child, parent, seen)
            else:
                walk_named(use["id"], f"{parent}::{use['name']}", seen)
        elif it.get("visibility") in ("public", "default"):
            walk_named(item_id, f"{parent}::{it['name']}", seen)

    def walk_named(item_id, full, seen):
        it = item(item_id)
        if it is None:
            out.add(f"extern {full}")
            return
        kind = next(iter(it["inner"]))
        body = it["inner"][kind]
        if kind == "module":
            out.add(f"mod {full}")
            for child in body["items"]:
                walk_child(child, full, seen)
            return
        out.add(f"{kind} {full}")
        for variant in body.get("variants", []) or []:
            out.add(f"variant {full}::{index[str(variant)]['name']}")
        fields = body.get("kind") if isinstance(body, dict) else None
        if isinstance(fields, dict) and "plain" in fields:
            for field in fields["plain"]["fields"]:
                f = item(field)
                if f and f.get("visibility") == "public":
                    out.add(f"field {full}.{f['name']}")
        for impl_id in body.get("impls", []) or []:
            impl = item(impl_id)
            if not impl:
                continue
            impl = impl["inner"]["impl"]
            if impl.get("is_synthetic") or impl.get("blanket_impl"):
                continue
            if impl.get("trait"):
                out.add(f"impl {impl['trait']['path']} for {full}")
                continue
            for method in impl["items"]:
                m = item(method)
                if m and m.get("visibility") == "public":
                    out.add(f"fn {full}::{m['name']}")

    root = doc["root"]
    walk_named(root, index[str(root)]["name"], frozenset())
    print("\n".join(sorted(out)))


if __name__ == "__main__":
    main(sys.argv[1])
