"""Run the schemathesis CLI with CPython 3.11's AST conversion serialized between threads.

    python tests/api_fuzz/schemathesis_cli.py run <schema> ...   (same arguments as schemathesis)

CPython 3.11 keeps the AST converter's recursion counter in interpreter-wide state, so two
threads that parse at once can trip ``SystemError: AST constructor recursion depth
mismatch`` (fixed in 3.12). With ``--workers 2`` schemathesis' threads do exactly that when
hypothesis describes a ``lambda`` strategy (``hypothesis.internal.lambda_sources``), which
failed whole fuzz runs at random. One lock around the two places that convert ASTs keeps
the two workers and removes the race; it changes no generated data and no check.

It also registers one ``before_call`` hook for a schemathesis bug (its issue #2790): a
stateful link that carries ``null`` into a path parameter (a case's empty ``freelancer``
into ``/sourcing/freelancers/{id}/``) fills the template with an empty string, so the request
goes to ``/sourcing/freelancers/`` (the list) and its answer is checked against the detail
operation's schema. An empty path parameter is sent as ``0`` instead: the same operation,
an id that names nothing (a documented 404).
"""

from __future__ import annotations

import ast
import functools
import sys
import threading

import schemathesis as st
from hypothesis.internal import lambda_sources
from schemathesis.cli import schemathesis

_AST_LOCK = threading.RLock()


def _serialized(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with _AST_LOCK:
            return function(*args, **kwargs)

    return wrapper


ast.parse = _serialized(ast.parse)
lambda_sources._lambda_description = _serialized(lambda_sources._lambda_description)


@st.hook
def before_call(context, case, **kwargs):
    parameters = case.path_parameters
    for name, value in list((parameters or {}).items()):
        if value is None or str(value) == "":
            parameters[name] = "0"


if __name__ == "__main__":
    sys.argv[0] = "schemathesis"
    sys.exit(schemathesis())
