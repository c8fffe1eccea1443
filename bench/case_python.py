"""Python side of hnswkit's benchmark: one measurement per process, for bench/run.js.

Run as `/usr/bin/python3 bench/case_python.py '<json>'`. The JSON object's "command" is one of:

  info         versions of Python, numpy and hnswlib
  groundtruth  exact top-`depth` neighbours of every query by brute force in float64 (numpy, one process per core)
  build        builds a Python hnswlib index with `threads` threads, timed, and optionally saves it
  search       loads an index file and times knn_query at each ef: one query per call on one thread ("single",
               as ann-benchmarks does) or all queries in one call on `threads` threads ("batch")

Vectors are raw little-endian float32 files (row-major, `dim` columns) whose first `count` rows are used; result
labels go to raw int32 files, so nothing large passes through JSON. The reply is one JSON line on stdout.
Written for hnswlib 0.6.x (Debian's python3-hnswlib), whose API is a subset of later versions'.
"""

import gc
import json
import multiprocessing
import os
import resource
import sys
import time

import numpy as np

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes():
    """Resident set size now, from /proc/self/statm, after a garbage collection (as bench/case-node.js does)."""
    gc.collect()
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE_SIZE


def max_rss_bytes():
    """Peak resident set size of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def read_vectors(path, count, dim):
    data = np.fromfile(path, dtype=np.float32, count=count * dim)
    if data.size != count * dim:
        raise ValueError("%s holds fewer than %d rows of %d floats" % (path, count, dim))
    return data.reshape(count, dim)


# ---- ground truth --------------------------------------------------------------------------------------------

# Set in the parent before the pool forks, so the workers share the training rows instead of copying them.
_GT = {}

TRAIN_BLOCK = 10000
QUERY_CHUNK = 250


def _exact_chunk(bounds):
    """Exact top-`depth` of queries[start:stop]: ids and distances, sorted by (distance, id)."""
    start, stop = bounds
    train, norms, queries, metric, depth = _GT["train"], _GT["norms"], _GT["queries"], _GT["metric"], _GT["depth"]
    q = queries[start:stop].astype(np.float64)
    q_norms = np.einsum("ij,ij->i", q, q)
    best_d = np.empty((stop - start, 0))
    best_i = np.empty((stop - start, 0), dtype=np.int64)
    for b in range(0, train.shape[0], TRAIN_BLOCK):
        block = train[b : b + TRAIN_BLOCK].astype(np.float64)
        dots = q @ block.T
        if metric == "l2":
            # Squared L2 as hnswlib reports it. With integer pixels every term is an integer below 2^53, so the
            # expansion |q|^2 + |x|^2 - 2 q.x is exact and ties are real ties.
            d = q_norms[:, None] + norms[b : b + TRAIN_BLOCK][None, :] - 2.0 * dots
        else:
            # Cosine distance of unit vectors, as hnswlib's 'cosine' space reports it.
            d = 1.0 - dots
        ids = np.broadcast_to(np.arange(b, b + block.shape[0]), d.shape)
        all_d = np.concatenate([best_d, d], axis=1)
        all_i = np.concatenate([best_i, ids], axis=1)
        keep = min(depth, all_d.shape[1])
        part = np.argpartition(all_d, keep - 1, axis=1)[:, :keep]
        best_d = np.take_along_axis(all_d, part, axis=1)
        best_i = np.take_along_axis(all_i, part, axis=1)
    order = np.lexsort((best_i, best_d), axis=1)
    return np.take_along_axis(best_i, order, axis=1), np.take_along_axis(best_d, order, axis=1)


def groundtruth(args):
    dim, depth = args["dim"], args["depth"]
    train = read_vectors(args["train"], args["count"], dim)
    queries = read_vectors(args["queries"], args["queryCount"], dim)
    t64 = train.astype(np.float64)
    _GT.update(
        train=train,
        norms=np.einsum("ij,ij->i", t64, t64),
        queries=queries,
        metric=args["metric"],
        depth=min(depth, args["count"]),
    )
    del t64
    chunks = [(s, min(s + QUERY_CHUNK, queries.shape[0])) for s in range(0, queries.shape[0], QUERY_CHUNK)]
    workers = max(1, min(args.get("workers", os.cpu_count() or 1), len(chunks)))
    started = time.perf_counter()
    if workers == 1:
        parts = [_exact_chunk(c) for c in chunks]
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_exact_chunk, chunks, chunksize=1)
    ids = np.concatenate([p[0] for p in parts]).astype(np.int32)
    dists = np.concatenate([p[1] for p in parts]).astype(np.float64)
    # One file: int32 ids (queries x depth), then float64 distances (queries x depth).
    tmp = args["out"] + ".tmp"
    with open(tmp, "wb") as f:
        ids.tofile(f)
        dists.tofile(f)
    os.replace(tmp, args["out"])
    return {"seconds": time.perf_counter() - started, "workers": workers, "depth": int(ids.shape[1])}


# ---- build and search ----------------------------------------------------------------------------------------


def build(args):
    import hnswlib

    dim, count = args["dim"], args["count"]
    data = read_vectors(args["train"], count, dim)
    labels = np.arange(count, dtype=np.uint64)
    rss_before = rss_bytes()
    started = time.perf_counter()
    index = hnswlib.Index(space=args["space"], dim=dim)
    index.init_index(max_elements=count, M=args["M"], ef_construction=args["efConstruction"], random_seed=args["seed"])
    index.add_items(data, labels, num_threads=args["threads"])
    seconds = time.perf_counter() - started
    rss_after = rss_bytes()
    reply = {
        "seconds": seconds,
        "count": index.get_current_count(),
        "indexBytes": rss_after - rss_before,
        "maxRssBytes": max_rss_bytes(),
    }
    if args.get("out"):
        started = time.perf_counter()
        index.save_index(args["out"])
        reply["saveSeconds"] = time.perf_counter() - started
        reply["fileBytes"] = os.path.getsize(args["out"])
    return reply


def search(args):
    import hnswlib

    dim, k, n = args["dim"], args["k"], args["queryCount"]
    queries = read_vectors(args["queries"], n, dim)
    index = hnswlib.Index(space=args["space"], dim=dim)
    rss_before = rss_bytes()
    started = time.perf_counter()
    index.load_index(args["index"])
    load_seconds = time.perf_counter() - started
    load_bytes = rss_bytes() - rss_before
    labels = np.full((len(args["efs"]), n, k), -1, dtype=np.int32)
    threads = args["threads"]
    single = args["mode"] == "single"
    rows = [queries[i : i + 1] for i in range(n)]

    # Warm-up, untimed: pages the index in.
    index.set_ef(args["efs"][0])
    index.knn_query(queries[: min(n, 200)], k=k, num_threads=threads if not single else 1)

    timings = []
    for e, ef in enumerate(args["efs"]):
        index.set_ef(ef)
        out = labels[e]
        if single:
            started = time.perf_counter()
            for i, row in enumerate(rows):
                out[i] = index.knn_query(row, k=k, num_threads=1)[0][0]
            seconds = time.perf_counter() - started
        else:
            started = time.perf_counter()
            found, _ = index.knn_query(queries, k=k, num_threads=threads)
            seconds = time.perf_counter() - started
            out[:] = found
        timings.append({"ef": ef, "seconds": seconds})
    labels.tofile(args["out"])
    return {
        "loadSeconds": load_seconds,
        "loadBytes": load_bytes,
        "maxRssBytes": max_rss_bytes(),
        "timings": timings,
    }


def info(_args):
    import hnswlib

    try:
        from importlib.metadata import version

        module_version = version("hnswlib")
    except Exception:  # noqa: BLE001 - metadata is optional; the Debian package version is reported beside it
        module_version = "unknown"
    return {
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "hnswlibModuleVersion": module_version,
        "hnswlibModule": hnswlib.__file__,
    }


COMMANDS = {"info": info, "groundtruth": groundtruth, "build": build, "search": search}


def main():
    args = json.loads(sys.argv[1])
    reply = COMMANDS[args["command"]](args)
    sys.stdout.write(json.dumps(reply) + "\n")


if __name__ == "__main__":
    main()
