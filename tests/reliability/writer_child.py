"""The process the kill test shoots: writes lenses through the catalogue service, forever.

``python -m tests.reliability.writer_child URL SEED NEXT_SEQ SUPPLIER RANGE SERIES MATERIAL``

It prints ``PRET`` once the database is open, then one line per committed write, flushed, so
that the parent knows what was acknowledged before the kill:

- ``C <seq> <id>`` after creating the lens named ``Verre <seq>`` (version 1);
- ``U <id> <version>`` after an update that set ``variante`` to ``v<version>``.

A write whose COMMIT went through but whose line was not printed yet is the one honest window
the parent must accept: at most one per run, recognised by its content.
"""

from __future__ import annotations

import random
import sys

from data import catalogue
from data.config import load_settings
from data.database import open_database


def lens_fields(seq: int, refs: list[int], rnd: random.Random) -> dict[str, object]:
    supplier, range_, series, material = refs
    low = rnd.randint(10, 18)
    return {
        "nom": f"Verre {seq:06d}",
        "variante": None,
        "fournisseur_id": supplier,
        "gamme_id": range_,
        "serie_id": series,
        "materiau_id": material,
        "indice": rnd.choice(("1,5", "1.6", "1,67", "1.74")),
        "hauteur_min": low,
        "hauteur_max": low + rnd.randint(0, 8),
        "gravure_nasale": f"K{seq}",
        "url_source": "https://exemple.fr/verres",
    }


def main(argv: list[str]) -> None:
    url, seed, next_seq = argv[0], int(argv[1]), int(argv[2])
    refs = [int(x) for x in argv[3:7]]
    rnd = random.Random(seed)
    db = open_database(url, load_settings(cli_url=url), pool_size=1)
    with db.engine.connect() as conn:
        known = [int(r[0]) for r in conn.exec_driver_sql("SELECT id FROM verres")]
    print("PRET", flush=True)
    while True:
        if not known or rnd.random() < 0.6:
            lens_id = catalogue.create_lens(db, lens_fields(next_seq, refs, rnd)).lens_id
            print(f"C {next_seq} {lens_id}", flush=True)
            known.append(lens_id)
            next_seq += 1
        else:
            lens_id = rnd.choice(known)
            current = catalogue.get_lens(db, lens_id)
            raw = {**current.form_values(), "variante": f"v{current.version + 1}",
                   "hauteur_max": rnd.randint(current.hauteur_min or 0, 40)}
            version = catalogue.update_lens(db, lens_id, raw, current.version).version
            print(f"U {lens_id} {version}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
