import os
from os import PathLike
from pathlib import Path
from typing import Optional
from typing import Union

from decouple import config

os.environ["OMP_THREAD_LIMIT"] = "1"


def __get_boolean(key: str, default: str = "NO") -> bool:
    return bool(os.getenv(key, default).lower() in ("yes", "y", "1", "t", "true"))


def __get_path(
    key: str,
    default: Union[PathLike, str],
) -> Path:
    if key in os.environ:
        return Path(os.environ[key]).resolve()
    return Path(default).resolve()


def __get_list(
    key: str,
    default: Optional[list[str]] = None,
    sep: str = ",",
) -> list[str]:
    if key in os.environ:
        return list(filter(None, os.environ[key].split(sep)))
    elif default is not None:
        return default
    else:
        return []


DEBUG = config("PAPERLESS_DEBUG", default=True, cast=bool)

BASE_DIR: Path = Path(__file__).resolve().parent.parent

STATIC_ROOT = __get_path("PAPERLESS_STATICDIR", BASE_DIR.parent / "static")

MEDIA_ROOT = __get_path("PAPERLESS_MEDIA_ROOT", BASE_DIR.parent / "media")

env_apps = __get_list("PAPERLESS_APPS")

INSTALLED_APPS = [
    "django.contrib.sessions",
    *env_apps,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if __get_boolean("PAPERLESS_ENABLE_COMPRESSION", "yes"):
    MIDDLEWARE.insert(0, "compression_middleware.middleware.CompressionMiddleware")
