"""Python hnswlib as a peer for hnswkit's tests: builds, loads, queries and re-saves index files on request.

Run as `/usr/bin/python3 hnswlib_peer.py '<json>'`; the JSON object's "command" is one of "info", "build",
"query", "resave" (HierarchicalNSW files: class Index) or "bf_build", "bf_query" (brute-force files: BFIndex).
Vectors come in and results go out as raw little-endian files (float32 vectors, uint64 labels, float32
distances) so nothing large passes through JSON. The reply is one JSON object on stdout.
Written for hnswlib 0.6.x (Debian's python3-hnswlib), whose API is a subset of later versions'.
"""

import json
import sys

import hnswlib
import numpy as np


def read_vectors(path, count, dim):
    data = np.fromfile(path, dtype=np.float32)
    if data.size != count * dim:
        raise ValueError("%s holds %d floats, expected %d x %d" % (path, data.size, count, dim))
    return data.reshape(count, dim)


def deleted_labels(index):
    # 0.6.x has no is_deleted: get_items raises "Label not found" for a label that is present but deleted.
    deleted = []
    for label in index.get_ids_list():
        try:
            index.get_items([label])
        except RuntimeError:
            deleted.append(int(label))
    return sorted(deleted)


def build(args):
    dim = args["dim"]
    data = read_vectors(args["data"], args["count"], dim)
    first = args.get("firstLabel", 0)
    labels = np.arange(first, first + args["count"], dtype=np.uint64)
    index = hnswlib.Index(space=args["space"], dim=dim)
    index.init_index(
        max_elements=args.get("maxElements", args["count"]),
        M=args["M"],
        ef_construction=args["efConstruction"],
        random_seed=args["seed"],
    )
    index.add_items(data, labels, num_threads=args.get("numThreads", 1))
    for label in args.get("deleted", []):
        index.mark_deleted(label)
    if "out" in args:
        index.save_index(args["out"])
    if "queries" in args:
        # Search the freshly built index at each ef; labels of ef e go to outLabels + "." + str(e).
        queries = read_vectors(args["queries"], args["queryCount"], dim)
        for ef in args["efs"]:
            index.set_ef(ef)
            found, _ = index.knn_query(queries, k=args["k"], num_threads=1)
            found.astype(np.uint64).tofile("%s.%d" % (args["outLabels"], ef))
    return {"count": index.get_current_count(), "maxElements": index.get_max_elements()}


def query(args):
    dim = args["dim"]
    index = hnswlib.Index(space=args["space"], dim=dim)
    index.load_index(args["index"], max_elements=args.get("maxElements", 0))
    reply = {
        "count": index.get_current_count(),
        "maxElements": index.get_max_elements(),
        "ids": [int(x) for x in index.get_ids_list()],
        "deleted": deleted_labels(index),
    }
    items = args.get("items", [])
    if items:
        reply["items"] = [[float(v) for v in vec] for vec in index.get_items(items)]
    if "queries" in args:
        queries = read_vectors(args["queries"], args["queryCount"], dim)
        index.set_ef(args["ef"])
        labels, distances = index.knn_query(queries, k=args["k"], num_threads=args.get("numThreads", 1))
        labels.astype(np.uint64).tofile(args["outLabels"])
        distances.astype(np.float32).tofile(args["outDistances"])
    return reply


def resave(args):
    index = hnswlib.Index(space=args["space"], dim=args["dim"])
    index.load_index(args["index"])
    index.save_index(args["out"])
    return {"count": index.get_current_count()}


def bf_build(args):
    dim = args["dim"]
    data = read_vectors(args["data"], args["count"], dim)
    first = args.get("firstLabel", 0)
    index = hnswlib.BFIndex(space=args["space"], dim=dim)
    index.init_index(args.get("maxElements", args["count"]))
    index.add_items(data, np.arange(first, first + args["count"], dtype=np.uint64))
    for label in args.get("deleted", []):
        index.delete_vector(label)
    index.save_index(args["out"])
    return {}


def bf_query(args):
    dim = args["dim"]
    index = hnswlib.BFIndex(space=args["space"], dim=dim)
    index.load_index(args["index"])
    queries = read_vectors(args["queries"], args["queryCount"], dim)
    labels, distances = index.knn_query(queries, k=args["k"])
    labels.astype(np.uint64).tofile(args["outLabels"])
    distances.astype(np.float32).tofile(args["outDistances"])
    return {}


def info(_args):
    return {"module": hnswlib.__file__, "numpy": np.__version__}


COMMANDS = {
    "build": build,
    "query": query,
    "resave": resave,
    "bf_build": bf_build,
    "bf_query": bf_query,
    "info": info,
}


def main():
    args = json.loads(sys.argv[1])
    reply = COMMANDS[args["command"]](args)
    json.dump(reply, sys.stdout)


if __name__ == "__main__":
    main()
