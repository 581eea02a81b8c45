"""Settings exercising newer syntax: f-strings, walrus, match, annotations."""
from __future__ import annotations

import os
import re
from typing import Any, Final, TypedDict

type StrMap = dict[str, str]
type Pair[T] = tuple[T, T]


class DatabaseConfig(TypedDict, total=False):
    ENGINE: str
    NAME: str
    HOST: str
    PORT: int


ENVIRONMENT: Final[str] = os.environ.get("DJANGO_ENV", "development").lower()
DEBUG: bool = ENVIRONMENT in {"development", "test"}
VERSION: tuple[int, ...] = (5, 0, 1)
APP_NAME = "portal"
SECRET_KEY: str

if (key := os.environ.get("SECRET_KEY")) is not None:
    SECRET_KEY = key
elif DEBUG:
    SECRET_KEY = f"insecure-{APP_NAME}-{ENVIRONMENT}"
else:
    raise RuntimeError(f"SECRET_KEY is required in {ENVIRONMENT!r} mode")

match ENVIRONMENT:
    case "production" | "staging" as env_name:
        ALLOWED_HOSTS = [f"{env_name}.example.com", "example.com"]
        LOG_LEVEL = "WARNING"
    case "test":
        ALLOWED_HOSTS = ["testserver"]
        LOG_LEVEL = "ERROR"
    case str(other) if other.startswith("dev"):
        ALLOWED_HOSTS = ["*"]
        LOG_LEVEL = "DEBUG"
    case _:
        ALLOWED_HOSTS = []
        LOG_LEVEL = "INFO"

db_port = int(os.environ.get("DB_PORT", "5432"))
DATABASES: dict[str, DatabaseConfig] = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("DB_NAME", APP_NAME),
        "HOST": os.environ.get("DB_HOST", "localhost"),
        "PORT": db_port,
    },
}

match DATABASES:
    case {"default": {"ENGINE": engine, **rest}} if "sqlite" in engine:
        CONN_MAX_AGE = 0
    case {"default": {"PORT": int() as port}}:
        CONN_MAX_AGE = 60 if port == 5432 else 0
    case [first, *others]:
        CONN_MAX_AGE = None
    case (1 | 2 | -3.5 | 1 + 2j, None, True):
        pass

width = 12
precision = 3
value = 3.14159
BANNER = f"{APP_NAME:>{width}} v{'.'.join(map(str, VERSION))} {value:{width}.{precision}f}"
DEBUG_LINE = f"{DEBUG=} {ENVIRONMENT = !s:^20}"
CACHE_PREFIX = f'{APP_NAME}_{"debug" if DEBUG else "prod"}_{{literal}}'
PATHS = {name: f"/srv/{name}/" for name in ("static", "media") if name}
FEATURES = [flag.strip().upper() for flag in os.environ.get("FEATURES", "").split(",") if flag]
SQUARES = list(x ** 2 for x in range(10))
NEGATIVE_POWER = -2 ** 2
NESTED_QUOTES = f"{"-".join(["a", f"{APP_NAME!r}"])}"  # PEP 701 quote reuse
MULTILINE = f"""
    {APP_NAME}
    {ENVIRONMENT!r}
"""
RAW_RE = re.compile(rb"^\d+$"), re.compile(Rb"\w+"), fr"{APP_NAME}\d", rf"\s{width}"
ESCAPES = "tab\tnewline\nquote\"unicode\u00e9\N{EM DASH}"
NUMBERS = [0xFF, 0o17, 0b1010, 1_000_000, 1e-3, 2.5j, .5, 5., 1_0.0_1e+1_0]
ELLIPSIS = ...
MATRIX = [[1, 2], [3, 4]]
SLICED = MATRIX[0][::2], MATRIX[1:], MATRIX[:-1, ...]


def env_list(name: str, default: list[str] | None = None, /, *, sep: str = ",") -> list[str]:
    """Return a list from an environment variable."""
    if not (raw := os.environ.get(name)):
        return list(default or [])
    return [item for part in raw.split(sep) if (item := part.strip())]


async def ping(host: str, *args: Any, timeout: float = 1.0, **kwargs: Any) -> bool:
    async with open_connection(host) as (reader, writer):
        await writer.drain()
    async for _ in reader:
        break
    return True


@dataclass(frozen=True)
class Feature[T: (str, bytes)]:
    name: T
    enabled: bool = False

    def __repr__(self) -> str:
        return f"Feature({self.name!r}, {self.enabled})"


CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [f"https://{h}" for h in ALLOWED_HOSTS if h != "*"])
lookup = lambda key, default=None, *a, **kw: os.environ.get(key, default)
total = 0
for i, (k, v) in enumerate(sorted(os.environ.items())):
    if k.startswith("PORTAL_"):
        total += i
        continue
else:
    pass
while total > 100:
    total //= 2
    total **= 1
    total <<= 1
    total >>= 1
    total @= 1 if False else 1
nums = {*range(3), *[4, 5]}
merged = {**DATABASES, "extra": {}} | {"x": 1}
assert isinstance(VERSION, tuple), "VERSION must be a tuple"
global_flag = not DEBUG and ENVIRONMENT is not None and ENVIRONMENT not in ("a", "b")
chained = 0 < db_port <= 65535 != 1
with open(os.devnull) as fh, open(os.devnull) as fh2:
    pass
with (
    open(os.devnull) as a,
    open(os.devnull) as b,
):
    pass
try:
    import local_overrides
except* (ImportError, AttributeError) as eg:
    pass
del total
x = y = z = None
first, *middle, last = [1, 2, 3, 4]
[p, q] = 1, 2
