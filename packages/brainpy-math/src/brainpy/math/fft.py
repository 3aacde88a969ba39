"""Placeholder: being implemented."""

__all__ = []
