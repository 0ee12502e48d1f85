from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.property.world import World, separate_database


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The seeded installation the walk drives, one per test process."""
    folder = tmp_path_factory.mktemp("walk")
    with separate_database(folder) as url:
        world = World(url, folder)
        try:
            yield world
        finally:
            world.close()
