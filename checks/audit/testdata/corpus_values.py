#!/usr/bin/python3
"""Load settings modules under the real Django (Debian's 3.2) and print the
values checks/audit/corpus_test.go compares with ctl audit's.

Reads a JSON list of cases [{"dir": ..., "module": ..., "env": {...}}] on
stdin; prints a JSON list of results, one per case: {"cells": {NAME: repr}}
or {"error": "..."}. Each case runs in a forked child whose environment is
exactly PATH plus the case's variables. Third-party modules the machine does
not have (sentry_sdk, storages...) are stubbed: a stub is any attribute and
any call, and a value computed from one prints as "<stub>", which the test
reads as "could not be known without the library". Project modules are
never stubbed: a missing one fails the import, as it would in production.
"""

import importlib.abc
import importlib.machinery
import json
import os
import sys
import types

sys.dont_write_bytecode = True

CELLS = ["DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE",
         "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER", "STATIC_ROOT", "ENGINE"]


class Stub:
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Stub()

    def __call__(self, *a, **k):
        return Stub()

    def __iter__(self):
        return iter(())

    def __repr__(self):
        return "<stub>"

    def __mro_entries__(self, bases):
        return (object,)


class StubModule(types.ModuleType):
    __path__ = []

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Stub()


class StubFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, project):
        self.project = project

    def find_spec(self, name, path, target=None):
        top = name.split(".")[0]
        if os.path.exists(os.path.join(self.project, top)) or os.path.exists(os.path.join(self.project, top + ".py")):
            return None
        # Only the project's own imports are stubbed: a library probing
        # for an optional module (try: import urlparse) must see it fail.
        f = sys._getframe(1)
        while f is not None and (f.f_code.co_filename.startswith("<frozen") or "importlib" in f.f_code.co_filename):
            f = f.f_back
        if f is None or not os.path.abspath(f.f_code.co_filename).startswith(self.project + os.sep):
            return None
        return importlib.machinery.ModuleSpec(name, self, is_package=True)

    def create_module(self, spec):
        return StubModule(spec.name)

    def exec_module(self, module):
        pass


def cells(directory, module):
    directory = os.path.abspath(directory)
    os.chdir(directory)
    sys.path.insert(0, directory)
    if os.path.isdir(os.path.join(directory, "src")):
        sys.path.insert(1, os.path.join(directory, "src"))
    sys.meta_path.append(StubFinder(directory))
    os.environ["DJANGO_SETTINGS_MODULE"] = module
    import contextlib

    with contextlib.redirect_stdout(sys.stderr):
        from django.conf import settings

        settings._setup()
    out = {}
    for name in CELLS:
        if name == "ENGINE":
            dbs = settings.DATABASES
            v = dbs.get("default", {}).get("ENGINE") if isinstance(dbs, dict) else Stub()
        else:
            v = getattr(settings, name)
        out[name] = repr(str(v) if name == "STATIC_ROOT" and v is not None and not isinstance(v, Stub) else v)
    out["SECRET_KEY_LEN"] = str(len(str(settings.SECRET_KEY)))
    return out


def main():
    cases = json.load(sys.stdin)
    results = []
    for case in cases:
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            os.environ.clear()
            os.environ["PATH"] = "/usr/bin:/bin"
            os.environ.update(case.get("env") or {})
            try:
                res = {"cells": cells(case["dir"], case["module"])}
            except BaseException as e:  # noqa: BLE001 - report any failure to load
                res = {"error": "%s: %s" % (type(e).__name__, e)}
            with os.fdopen(w, "w") as f:
                json.dump(res, f)
            os._exit(0)
        os.close(w)
        with os.fdopen(r) as f:
            data = f.read()
        os.waitpid(pid, 0)
        results.append(json.loads(data) if data else {"error": "child died"})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
