"""Finding the WSGI application (PEP 3333's "application object") from a gunicorn-style spec.

Accepted, like gunicorn's ``import_app``:

* ``module`` -> ``module:application``
* ``module:name`` and ``pkg.mod:obj.attr``
* ``module:factory()`` and ``module:factory(1, 'x', debug=True)``: arguments must be
  literals (ast.literal_eval), nothing is ever eval()'d.

Failures raise BootError with the protocol's stage: 'spec' (unparsable spec), 'import'
(finding or running the module), 'attribute' (no such callable / not callable), 'factory'
(the factory call failed or returned a non-callable).
"""

import os
import sys
from keyword import iskeyword  # already loaded at boot (collections imports it)

from . import errors


class BootError(Exception):
    def __init__(self, stage, info):
        super().__init__(info.get("message", ""))
        self.stage = stage
        self.info = info


def _plain_error(exc_type, message, filename=None):
    """PythonError for a problem found by the worker itself (no user traceback to show)."""
    info = {"type": exc_type, "message": message, "traceback": "%s: %s\n" % (exc_type, message)}
    if filename:
        info["filename"] = filename
    return info


def _plain_dotted(expr):
    """['a', 'b', 'c'] for a plain ASCII dotted name such as a.b.c, found without ast (about
    2 ms to import at every boot for the common spec). None: anything else, which ast parses.

    Only what ast.parse would read as the same names: ASCII (ast NFKC-normalizes other
    identifiers), no keywords (None, True, class... are not names), no spaces or comments."""
    if not expr.isascii():
        return None
    names = expr.split(".")
    for name in names:
        if not name.isidentifier() or iskeyword(name):
            return None
    return names


def _dotted(node):
    """['a', 'b', 'c'] for the expression a.b.c, or None for anything else."""
    import ast

    names = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    names.append(node.id)
    return names[::-1]


def _shadow_hint(module_name, filename):
    """A module imported before the app (stdlib `site`, `code`...) hides the user's file."""
    top = module_name.split(".")[0]
    mine = [os.path.join(os.getcwd(), top + ".py"), os.path.join(os.getcwd(), top)]
    if filename and not errors.is_user_file(filename) and any(os.path.exists(p) for p in mine):
        return (" (%r was imported from %s, which shadows the project's own %s: rename it)"
                % (module_name, filename, top))
    return ""


def parse_spec(spec):
    """(module name, attribute path, call args, call kwargs or None when not a call)."""
    module, sep, expr = spec.partition(":")
    module = module.strip()
    expr = expr.strip() if sep else "application"
    if not module or not all(part.isidentifier() for part in module.split(".")):
        raise BootError("spec", _plain_error("ValueError", "%r is not a module name (expected "
                                             "'module:callable')" % (module,)))
    path = _plain_dotted(expr)
    if path is not None:
        return module, path, None, None
    import ast  # calls, and specs that will not parse, which ast must judge and explain

    try:
        node = ast.parse(expr, mode="eval").body
    except SyntaxError:
        raise BootError("spec", _plain_error("ValueError", "cannot parse %r: expected a name, "
                                             "a dotted name or a call with literal arguments"
                                             % (expr,)))
    if isinstance(node, ast.Call):
        path = _dotted(node.func)
        try:
            if any(isinstance(a, ast.Starred) for a in node.args) or any(
                    k.arg is None for k in node.keywords):
                raise ValueError("*args/**kwargs")
            args = [ast.literal_eval(a) for a in node.args]
            kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
        except (ValueError, TypeError, SyntaxError):
            raise BootError("spec", _plain_error("ValueError", "factory arguments in %r must "
                                                 "be literals" % (expr,)))
        if path is None:
            raise BootError("spec", _plain_error("ValueError", "cannot call %r: expected a "
                                                 "(dotted) name" % (expr,)))
        return module, path, args, kwargs
    path = _dotted(node)
    if path is None:
        raise BootError("spec", _plain_error("ValueError", "%r is not a name or a call"
                                             % (expr,)))
    return module, path, None, None


def load_app(spec):
    module_name, path, args, kwargs = parse_spec(spec)
    try:
        # __import__ (not importlib.import_module) so CPython strips its importlib frames
        # from the traceback, as for an `import` statement.
        __import__(module_name)
        module = sys.modules[module_name]
    except BaseException as exc:  # SystemExit in a module body is a load failure too
        raise BootError("import", errors.describe(exc))
    obj = module
    filename = getattr(module, "__file__", None)
    for i, name in enumerate(path):
        try:
            obj = getattr(obj, name)
        except AttributeError:
            where = ".".join(path[:i]) if i else module_name
            raise BootError("attribute", _plain_error(
                "AttributeError", "failed to find attribute %r in %r%s"
                % (name, where, _shadow_hint(module_name, filename)), filename))
    if args is not None:
        try:
            obj = obj(*args, **kwargs)
        except BaseException as exc:
            raise BootError("factory", errors.describe(exc))
        if not callable(obj):
            raise BootError("factory", _plain_error(
                "TypeError", "%s(...) returned %s, which is not a WSGI callable"
                % (".".join(path), type(obj).__name__), filename))
    elif not callable(obj):
        raise BootError("attribute", _plain_error(
            "TypeError", "%s:%s is a %s, not a WSGI callable"
            % (module_name, ".".join(path), type(obj).__name__), filename))
    return obj
