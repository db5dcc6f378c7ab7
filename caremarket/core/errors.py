"""The one error services raise for bad input: a message per field, shown next to the field or as a 4xx problem."""

from __future__ import annotations


class ServiceError(Exception):
    """Bad input or a forbidden change. `errors` maps a field name (or '__all__') to its message."""

    def __init__(self, errors: dict[str, str] | str, *, status: int = 400) -> None:
        self.errors = {"__all__": errors} if isinstance(errors, str) else dict(errors)
        self.status = status
        super().__init__("; ".join(self.errors.values()))


class ConflictError(ServiceError):
    def __init__(self, errors: dict[str, str] | str) -> None:
        super().__init__(errors, status=409)
