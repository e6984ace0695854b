/*
 * The training loop's thread pool (see _pool.c): the BLAS's parallel jobs and
 * the fused loops' parts run on the same threads.
 */
#ifndef SKW_POOL_H
#define SKW_POOL_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* A parallel job: part `part` of `parts`, each a different thread. */
typedef void (*skw_job)(void *ctx, int part, int parts);

/* Loops over fewer elements than this run on the calling thread alone. */
#define SKW_POOL_MIN_ELEMENTS 32768

/* How many parts a loop over n elements is split into: 1 unless the pool is
 * engaged (the BLAS runs its jobs on it) and n is at least
 * SKW_POOL_MIN_ELEMENTS. Call without holding the GIL or with it: no Python. */
int skw_pool_parts(Py_ssize_t n);

/* Run job(ctx, i, parts) for i in [0, parts) at once on parts threads, the
 * calling thread taking part 0, and return when all are done. parts <= 1, or
 * a call from inside a job, runs the parts one after another on the caller. */
void skw_pool_run(skw_job job, void *ctx, int parts);

/* Work that parts draw from in steps, first come first served: a part whose
 * thread starts late or runs slowly takes less of it. */
typedef struct {
    Py_ssize_t next;
} skw_claims;

/* Where the caller's next step of `step` items starts (past the end: none
 * left). Safe from every part of one run at once. */
Py_ssize_t skw_pool_claim(skw_claims *claims, Py_ssize_t step);

/* The module functions that install and remove the pool as the BLAS's
 * threading back end (Python-level; see _pool.c). */
PyObject *skw_py_pool_engage(PyObject *self, PyObject *args);
PyObject *skw_py_pool_disengage(PyObject *self, PyObject *args);
PyObject *skw_py_pool_info(PyObject *self, PyObject *args);

#endif
