"""Test matrix: supported (Python, Django) pairs, on SQLite.

Run it with `make test-matrix` (it installs nox and puts the pyenv interpreters
on PATH); extra pytest arguments go after `--`.
"""

import nox

nox.options.default_venv_backend = "venv"
nox.options.error_on_missing_interpreters = True

# (Python, Django series). Django 6.0 needs Python >= 3.12.
MATRIX = [
    ("3.11", "4.2"),
    ("3.11", "5.2"),
    ("3.12", "6.0"),
    ("3.13", "5.2"),
    ("3.13", "6.0"),
]


def django_requirement(series):
    """`Django>=X.Y,<X.(Y+1)` for a series, e.g. "4.2" -> "Django>=4.2,<4.3"."""
    major, minor = (int(part) for part in series.split("."))
    return f"Django>={major}.{minor},<{major}.{minor + 1}"


@nox.session
@nox.parametrize(
    ("python", "django"),
    MATRIX,
    ids=[f"py{python}-django{django}" for python, django in MATRIX],
)
def tests(session, django):
    """The whole test suite on SQLite with one Python and one Django series."""
    extra = [] if django == "4.2" else ["django-tasks-db>=0.12"]  # it needs Django >= 5.2
    session.install("--disable-pip-version-check", "-q", "-e", ".[test,rest]", django_requirement(django), *extra)
    session.run("python", "-c", "import sys, django; print('Python', sys.version.split()[0], 'Django', django.get_version())")
    session.run(
        "python", "-m", "pytest", *session.posargs,
        env={"PINAX_CONNECT_TEST_DATABASE_URL": ""},
    )
