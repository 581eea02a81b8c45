#!/usr/bin/python3
"""Run Django's own `check --deploy` on a settings module and print the IDs.

The reference side of checks/audit/conformance_test.go: it loads the
settings under the installed Django (Debian's 3.2) and runs every check
with the deployment checks included, drops the silenced messages (as
`manage.py check` does with msg.is_silenced()) and keeps the IDs that
`ctl audit` covers: security.W0xx, security.E023/E024, async.E001 and
caches.W002 (not the checks Django always runs such as security.E100-E102,
models, admin or urls).

Usage:
  django_check.py DIR MODULE
      one case, in this process's environment (give it a clean one:
      env -i PATH="$PATH" KEY=VALUE ... django_check.py DIR MODULE);
      prints the sorted IDs as a JSON list.
  django_check.py --batch
      reads a JSON list of cases [{"dir": ..., "module": ..., "env": {...}}]
      on stdin and prints a JSON list of results [{"ids": [...]}, or
      {"error": "..."}] in the same order. Each case runs in a forked child
      (a few at a time) whose environment is exactly PATH plus the case's
      variables, with a fresh Django: the parent only imports Django's
      modules, never the settings, so nothing of a case survives into the
      next. Start it with a clean environment too (PATH only).
"""

import json
import os
import re
import sys
import traceback

sys.dont_write_bytecode = True  # never litter the fixtures with __pycache__

COVERED = re.compile(r"^(security\.W0\d\d|security\.E02[34]|async\.E001|caches\.W002)$")


def check_ids(directory, module):
    """Load MODULE from DIRECTORY and return the covered, unsilenced IDs."""
    directory = os.path.abspath(directory)
    os.chdir(directory)
    sys.path.insert(0, directory)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", module)
    import contextlib

    # Settings files may print: keep stdout for the result.
    with contextlib.redirect_stdout(sys.stderr):
        import django

        django.setup()
        from django.core import checks

        msgs = checks.run_checks(include_deployment_checks=True)
        return sorted({m.id for m in msgs if m.id and COVERED.match(m.id) and not m.is_silenced()})


def describe(exc):
    lines = traceback.format_exception_only(type(exc), exc)
    return "".join(lines).strip()


def start_forked(case):
    """Start one case in a forked child; return (pid, read end of its pipe)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(r)
        try:
            path = os.environ.get("PATH", os.defpath)
            os.environ.clear()
            os.environ["PATH"] = path
            os.environ.update(case.get("env") or {})
            res = {"ids": check_ids(case["dir"], case["module"])}
        except BaseException as exc:  # SystemExit, ImproperlyConfigured...
            res = {"error": describe(exc), "traceback": traceback.format_exc()}
        try:
            data = json.dumps(res).encode()
            while data:
                n = os.write(w, data)
                data = data[n:]
        finally:
            os._exit(0)
    os.close(w)
    return pid, r


def collect(pid, r):
    """Read a child's result and reap it."""
    chunks = []
    with os.fdopen(r, "rb") as f:
        while True:
            b = f.read(65536)
            if not b:
                break
            chunks.append(b)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        return {"error": "the child died (wait status %d)" % status}
    return json.loads(b"".join(chunks))


def run_batch(cases, jobs):
    """Run the cases, up to jobs children at a time, results in order."""
    results = [None] * len(cases)
    running = []  # (index, pid, fd), oldest first
    for i, case in enumerate(cases):
        if len(running) >= jobs:
            j, pid, r = running.pop(0)
            results[j] = collect(pid, r)
        pid, r = start_forked(case)
        running.append((i, pid, r))
    for j, pid, r in running:
        results[j] = collect(pid, r)
    return results


# Imported once before forking, so that each child only sets Django up.
# None of them reads the settings at import time (checked below).
PRELOAD = [
    "django.apps", "django.conf", "django.core.checks", "django.urls", "django.http",
    "django.db.models", "django.core.cache", "django.core.cache.backends.filebased",
    "django.core.cache.backends.locmem", "django.contrib.sessions.middleware",
    "django.middleware.security", "django.middleware.csrf", "django.middleware.clickjacking",
    "django.middleware.common", "environ", "decouple", "dj_database_url",
]


def main(argv):
    if len(argv) == 2 and argv[1] == "--batch":
        cases = json.load(sys.stdin)
        import importlib

        for name in PRELOAD:
            try:
                importlib.import_module(name)
            except ImportError:
                pass
        from django.conf import settings

        assert not settings.configured, "a preloaded module configured the settings"
        import gc

        gc.freeze()  # fewer copy-on-write page faults in the children
        jobs = max(2, 2 * (os.cpu_count() or 1))
        sys.stdout.flush()
        sys.stderr.flush()
        json.dump(run_batch(cases, jobs), sys.stdout)
        sys.stdout.write("\n")
        return 0
    if len(argv) == 3:
        print(json.dumps(check_ids(argv[1], argv[2])))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
