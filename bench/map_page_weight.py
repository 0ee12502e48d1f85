"""Page weight of the public map with 60 and with 6,000 published ideas, and the API's cost.

    python bench/map_page_weight.py

The map page must weigh the same whatever the number of ideas (they come from /api/ideas);
exits with status 1 if it does not. Prints figures; times are wall-clock on this machine.
"""

from __future__ import annotations

import statistics
import time

from _seed import add_ideas, bench_app

SIZES = (60, 6000)
RUNS = 5


def main() -> int:
    app = bench_app()
    client = app.test_client()
    seeded = 0
    page_sizes = {}
    print(f"{'ideas':>6}  {'map page (bytes)':>16}  {'/api/ideas (bytes)':>18}  "
          f"{'API median (ms)':>15}  {'304 median (ms)':>15}")
    for size in SIZES:
        add_ideas(app, size - seeded, seed=size)
        seeded = size
        page = client.get("/ideas/map?lang=ru")
        assert page.status_code == 200
        page_sizes[size] = len(page.get_data())
        timings, not_modified = [], []
        for _ in range(RUNS):
            start = time.perf_counter()
            api = client.get("/api/ideas?lang=ru")
            timings.append(time.perf_counter() - start)
            start = time.perf_counter()
            again = client.get("/api/ideas?lang=ru", headers={"If-None-Match": api.headers["ETag"]})
            not_modified.append(time.perf_counter() - start)
            assert again.status_code == 304
        features = len(api.get_json()["features"])
        assert features == size, (features, size)
        print(f"{size:>6}  {page_sizes[size]:>16}  {len(api.get_data()):>18}  "
              f"{statistics.median(timings) * 1000:>15.1f}  {statistics.median(not_modified) * 1000:>15.1f}")
    equal = len(set(page_sizes.values())) == 1
    sizes = " and ".join(map(str, SIZES))
    print(f"map page weight equal for {sizes} ideas: {'yes' if equal else 'NO'}")
    return 0 if equal else 1


if __name__ == "__main__":
    raise SystemExit(main())
