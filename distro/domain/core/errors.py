"""Provides the errors a rule raises, each with a message a volunteer can act on."""


class DomainError(Exception):
    """A rule said no. `str(error)` is shown to the volunteer as it is, so write it plainly."""


class NotFound(DomainError):
    """The thing asked for does not exist (or no longer does)."""


class InvalidInput(DomainError):
    """Input failed validation; `problems` maps each field to what is wrong with it."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{field}: {why}" for field, why in problems.items()))


class CodeError(DomainError):
    """A scanned or typed code is mistyped or names nothing."""


class Conflict(DomainError):
    """The change clashes with the current state (for example a code already taken)."""


class NotAllowed(DomainError):
    """The signed-in user's role does not allow this action, or nobody is signed in."""


class SignInFailed(DomainError):
    """A name and PIN did not match an active user, or tries are being slowed down."""


class NotWritten(DomainError):
    """A file could not be written (a full disk, a folder in its place ...); nothing of it is
    left behind. `reason` is the cause alone, for a caller that words the failure its own way."""

    def __init__(self, target: object, reason: str) -> None:
        self.reason = reason
        super().__init__(f"cannot write {target}: {reason}; nothing was written.")
