# The repository's VERSION, copied by scripts/version.sh; read statically by
# the build (pyproject.toml) and at run time as redisclient.__version__.
__version__ = "0.1.0"
