# A Dask worker (or scheduler) for leaflets builds: Python, Pango and the tool's locked
# dependencies. Not the tool itself, nor any leaflet: each build sends its own copy of the
# tool and the files it renders. See docs/dask.md.
#
#   docker build -f docs/dask-worker.Dockerfile -t leaflets-dask .
#   docker run --rm --network host leaflets-dask dask scheduler
#   docker run --rm --network host leaflets-dask \
#       dask worker tcp://SCHEDULER:8786 --nworkers 2 --nthreads 1
#
# The Python minor version must be the one the people building use (3.11 here, as the lock
# file says): the tool's code travels pickled, and pickled code needs the same Python.
FROM python:3.11-slim-bookworm

# WeasyPrint lays out text with Pango; HarfBuzz's subsetter makes font subsetting about
# 15 times faster than the fallback.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

# The same pinned versions, with hashes, as `python3 build.py setup --extra dask` installs.
COPY requirements-dask.lock /tmp/requirements-dask.lock
RUN pip install --no-cache-dir --require-hashes -r /tmp/requirements-dask.lock \
    && rm /tmp/requirements-dask.lock

# Workers keep what each build sends under their local directory, removed when they stop.
RUN useradd --create-home dask
USER dask
WORKDIR /home/dask
CMD ["dask", "worker", "--help"]
