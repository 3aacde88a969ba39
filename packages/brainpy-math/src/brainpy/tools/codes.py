"""Tools for reading and generating Python code (used by integrators that print their code)."""

import inspect
import re
import textwrap
from typing import Any, Callable, Dict, Optional, Sequence, Set, TypeVar

from brainpy.errors import CodeError

_F = TypeVar("_F", bound=Callable[..., Any])

__all__ = [
    "get_identifiers",
    "indent",
    "deindent",
    "word_replace",
    "is_lambda_function",
    "get_main_code",
    "get_func_source",
    "code_lines_to_func",
    "change_func_name",
]

_IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_][\w.]*")
_KEYWORDS = {
    "and", "or", "not", "in", "is", "if", "else", "elif", "for", "while", "return", "def", "lambda",
    "True", "False", "None", "import", "from", "as", "with", "pass", "break", "continue", "yield",
}


def get_identifiers(expr: str, include_numbers: bool = False) -> Set[str]:
    """The identifiers (names and dotted names, no keywords) used in a code string."""
    names = {m.group(0) for m in _IDENTIFIER.finditer(expr)} - _KEYWORDS
    if include_numbers:
        names |= set(re.findall(r"(?<![\w.])\d+(?:\.\d*)?(?:[eE][+-]?\d+)?", expr))
    return names


def indent(text: str, num_tabs: int = 1, spaces_per_tab: int = 4, tab: str = None) -> str:
    """Indent every line of ``text``."""
    prefix = (tab if tab is not None else " " * spaces_per_tab) * num_tabs
    return "\n".join(prefix + line if line.strip() else line for line in text.split("\n"))


def deindent(text: str, num_tabs: int = None, spaces_per_tab: int = 4, docstring: bool = False) -> str:
    """Remove the common indentation of ``text`` (or ``num_tabs`` levels of it)."""
    if docstring:
        first, _, rest = text.partition("\n")
        return first.strip() + ("\n" + textwrap.dedent(rest) if rest else "")
    if num_tabs is None:
        return textwrap.dedent(text)
    width = num_tabs * spaces_per_tab
    out = []
    for line in text.split("\n"):
        stripped = len(line) - len(line.lstrip(" "))
        out.append(line[min(width, stripped):])
    return "\n".join(out)


def word_replace(expr: str, substitutions: Dict[str, str], exclude_dot: bool = False) -> str:
    """Replace whole words of ``expr`` by their substitutions (``x`` but not ``x2``)."""
    for var, replace_var in substitutions.items():
        if exclude_dot:
            pattern = r"(?<![\w.])" + re.escape(var) + r"(?![\w.])"
        else:
            pattern = r"\b(?<!\.)" + re.escape(var) + r"\b"
        expr = re.sub(pattern, replace_var, expr)
    return expr


def is_lambda_function(func: Any) -> bool:
    """Whether ``func`` is a lambda."""
    return callable(func) and getattr(func, "__name__", None) == "<lambda>"


def get_func_source(func: Callable[..., Any]) -> str:
    """The dedented source code of ``func`` (the expression only, for a lambda)."""
    code = textwrap.dedent(inspect.getsource(func))
    if is_lambda_function(func):
        start = code.index("lambda")
        code = code[start:].strip()
    return code


def get_main_code(func: Optional[Callable[..., Any]], codes: str = None) -> str:
    """The body of a function (its code minus the ``def`` line), or the expression of a lambda."""
    if func is None:
        return ""
    codes = codes if codes is not None else get_func_source(func)
    if is_lambda_function(func):
        return codes.split(":", 1)[1].strip().rstrip(",)")
    lines = codes.split("\n")
    i = 0
    while i < len(lines) and not lines[i].lstrip().startswith("def "):
        i += 1
    # skip the (possibly multi-line) signature
    depth = 0
    for j in range(i, len(lines)):
        depth += lines[j].count("(") - lines[j].count(")")
        if depth <= 0 and lines[j].rstrip().endswith(":"):
            i = j + 1
            break
    return textwrap.dedent("\n".join(lines[i:]))


def code_lines_to_func(lines: Sequence[str], func_name: str, func_args: Sequence[str], scope: Dict,
                       remind: str = "") -> Dict:
    """Build a function named ``func_name`` from body lines, executing it in ``scope``.

    Returns:
      ``{'code': source, 'func': function}``.
    """
    body = "\n".join(f"    {line}" for line in lines) or "    pass"
    code = f"def {func_name}({', '.join(func_args)}):\n{body}"
    namespace = dict(scope)
    try:
        exec(compile(code, f"<brainpy generated {func_name}>", "exec"), namespace)
    except Exception as e:
        raise CodeError(f"code_lines_to_func: could not build {func_name}:\n{code}\n{remind}\n{e}") from e
    return {"code": code, "func": namespace[func_name]}


def change_func_name(f: _F, name: str) -> _F:
    """Rename a function (``__name__`` and ``__qualname__``) and return it."""
    f.__name__ = name
    f.__qualname__ = name
    return f
