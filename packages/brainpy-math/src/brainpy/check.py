"""brainpy.check: switch BrainPy's run-time validity checks on and off.

Some requests can only be validated while a compiled program runs, e.g. a delay read of a
traced time or step (`brainpy.math.TimeDelay`, `brainpy.math.LengthDelay`): the check is a
host callback that raises `ValueError` when the request is out of range.  The checks are on by
default.  `turn_off` drops them from programs traced afterwards (a program already compiled
keeps what it was traced with), trading the error for speed: an out-of-range request then
reads whatever slot of the buffer it points to.
"""

__all__ = ["is_checking", "turn_on", "turn_off"]

_checking = True


def is_checking() -> bool:
    """Whether the run-time checks are on."""
    return _checking


def turn_on() -> None:
    """Turn the run-time checks on (the default)."""
    global _checking
    _checking = True


def turn_off() -> None:
    """Turn the run-time checks off for the programs traced from now on."""
    global _checking
    _checking = False
