"""Rebuild knowledge/communes.tsv.gz from the npm package @etalab/decoupage-administratif.

    cd /tmp && npm pack @etalab/decoupage-administratif && tar xzf etalab-decoupage-administratif-*.tgz
    python knowledge/scripts/build_communes.py /tmp/package/data/communes.json

Then update the version and date in knowledge/communes-LICENSE.md. The package itself is never
committed: only the compact file, one line a commune:

    insee <TAB> name <TAB> postcodes separated by spaces <TAB> département <TAB> population

Kept: current communes ("commune-actuelle"), the arrondissements municipaux of Paris, Lyon and
Marseille, and the overseas communes served by an académie (971-976, Saint-Barthélemy 977 and
Saint-Martin 978). Left out: communes déléguées and associées (no postcode of their own in the
data), the Pacific and the TAAF (984, 986-989: vice-rectorats, no académie).
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "communes.tsv.gz"
KEPT_TYPES = {"commune-actuelle", "arrondissement-municipal"}
NO_ACADEMY = {"984", "986", "987", "988", "989"}


def rows(communes: list[dict]) -> list[str]:
    out = []
    for c in communes:
        if c["type"] not in KEPT_TYPES or c["departement"] in NO_ACADEMY:
            continue
        postcodes = " ".join(sorted(set(c.get("codesPostaux") or ())))
        fields = [c["code"], c["nom"], postcodes, c["departement"], str(c.get("population") or 0)]
        if any("\t" in f or "\n" in f for f in fields):
            raise ValueError(f"tab or newline in {fields}")
        out.append("\t".join(fields))
    return sorted(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("communes_json", type=Path, help="data/communes.json of the npm package")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    lines = rows(json.loads(args.communes_json.read_text(encoding="utf-8")))
    text = "insee\tname\tpostcodes\tdepartement\tpopulation\n" + "\n".join(lines) + "\n"
    # mtime=0: the same input gives the same bytes, so a rebuild without changes diffs clean
    with args.out.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    print(f"{len(lines)} communes -> {args.out} ({args.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
