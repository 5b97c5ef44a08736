"""Benchmark a save in `kinerja serve`: the round trip a teacher waits for after **Simpan**.

    python benchmarks/bench_app.py                 # the demo school and a 600-teacher school
    python benchmarks/bench_app.py --repeat 9 --guru 600

For each school the app runs in-process (Starlette's test client, no network) and a person saves
their `tugas` record N times, each time with a changed paragraph. Reported, as medians:

* (a) the round trip: POST of the form → whole-school validation of the candidate in a scratch
  copy → atomic write → the redirected form page (which re-reads the changed school);
* (b) the floor: one `validate(root)` of the same school in the same process — the least any
  save that judges the record in the context of the whole school must cost;
* the ratio a/b. A save validates twice (the candidate, then the school the next page shows),
  so about 2 is what this design costs; more means overhead in the app itself.

Results go to stdout (a Markdown table for the README) and benchmarks/results/app.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"

if __package__ in (None, ""):
    sys.path.insert(0, str(REPO))
from starlette.testclient import TestClient  # noqa: E402

from benchmarks import synth  # noqa: E402
from kinerja_build.app.server import Settings, create_app  # noqa: E402
from kinerja_build.validate import validate  # noqa: E402


def demo_school(work: Path) -> Path:
    root = work / "demo"
    root.mkdir()
    for name in ("records", "schemas"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "kinerja.yml", root / "kinerja.yml")
    return root


def measure(root: Path, repeat: int, day: dt.date) -> dict[str, Any]:
    """Median round trip of a save and median floor on one school."""
    files = sum(1 for _ in (root / "records").rglob("*.yaml"))
    # The latest periode in which somebody has a tugas record, and the first such person.
    found = sorted((root / "records" / "kinerja").glob("*/*/tugas.yaml"))
    periode = max(path.parent.parent.name for path in found)
    person = next(path.parent.name for path in found if path.parent.parent.name == periode)
    client = TestClient(create_app(Settings(root, today=lambda: day)), base_url="http://127.0.0.1")
    token = re.findall(r'name="_csrf" value="([^"]+)"', client.get("/").text)[0]
    client.post("/saya", data={"_csrf": token, "pegawai": person})
    url = f"/formulir/tugas?pegawai={person}&periode={periode}"
    trips, floors = [], []
    for index in range(repeat):
        page = client.get(url).text
        opened = re.findall(r'name="_dibuka" value="([0-9a-f]*)"', page)[0]
        data = {
            "_csrf": token,
            "_dibuka": opened,
            "tugas_pokok.merencanakan_pembelajaran": f"Modul ajar disusun ulang, versi {index}.",
        }
        started = time.perf_counter()
        response = client.post(url, data=data)
        trips.append(time.perf_counter() - started)
        if "Tersimpan" not in response.text:
            raise SystemExit(f"save {index} on {root.name} was refused:\n{response.text[:3000]}")
        started = time.perf_counter()
        validate(root)
        floors.append(time.perf_counter() - started)
    trip, floor = statistics.median(trips), statistics.median(floors)
    return {
        "school": root.name,
        "files": files,
        "round_trip_s": round(trip, 3),
        "floor_validate_s": round(floor, 3),
        "ratio": round(trip / floor, 2),
        "samples": {"round_trip_s": trips, "floor_validate_s": floors},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--guru", type=int, default=600, help="teachers in the large school")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-app-") as scratch:
        work = Path(scratch)
        rows.append(measure(demo_school(work), args.repeat, dt.date(2025, 12, 20)))
        (large,) = synth.generate(work / "synth", 1, args.guru, ("2025",))
        rows.append(measure(large, args.repeat, dt.date(2025, 12, 20)))
    print("| school | record files | save round trip (median) | validate floor (median) | ratio |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['school']} | {row['files']} | {row['round_trip_s']:.2f} s "
            f"| {row['floor_validate_s']:.2f} s | {row['ratio']:.2f} |"
        )
    RESULTS.mkdir(exist_ok=True)
    environment = {"python": platform.python_version(), "machine": platform.machine()}
    (RESULTS / "app.json").write_text(
        json.dumps({"environment": environment, "repeat": args.repeat, "rows": rows}, indent=1)
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
