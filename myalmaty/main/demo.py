"""Commands of this feature (being written)."""


def register(app) -> None:  # noqa: ANN001
    """Adds nothing yet."""
