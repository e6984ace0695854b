/*
 * One pool of threads for the BLAS's parallel jobs and the fused loops.
 *
 * OpenBLAS (0.3.27 and later) takes a caller's threading back end through
 * openblas_set_threads_callback_function: its parallel matrix products then
 * run their jobs, partitioned exactly as on its own threads (the same values
 * bit for bit), on the threads that callback hands them to. While a fit of a
 * large network runs, skweights hands them to this pool, and splits its own
 * loops (the Adam step, the layers' bias and ReLU pass, the batch gather) over
 * the same threads. On its own threads OpenBLAS's idle worker spins on the
 * other core for about 0.1 s after every product, so a second thread of ours
 * found that core taken; with one pool, the thread that spins there is the
 * one the next loop goes to.
 *
 * Protocol: one dispatch at a time (the `dispatch` mutex). The dispatcher
 * writes the job, sets `pending` to the number of workers and bumps `gen`;
 * every worker runs its part (if it has one) and decrements `pending`; the
 * dispatcher runs part 0 and waits for `pending` to reach 0. Idle workers spin
 * on `gen`, then sleep on `wake` (counted in `sleepers`, so that a dispatch
 * signals only when someone sleeps).
 */
#include "_pool.h"

#if !defined(_WIN32)
#define SKW_POOL_THREADS 1
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>
#else
#define SKW_POOL_THREADS 0
#endif

#if SKW_POOL_THREADS

#if defined(__x86_64__) || defined(__i386__)
#define CPU_RELAX() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define CPU_RELAX() __asm__ __volatile__("yield")
#else
#define CPU_RELAX() ((void)0)
#endif

/* How long an idle worker spins before it sleeps: while the pool is engaged
 * as long as OpenBLAS's own workers do (0.1 s), so that it stays awake through
 * a fit's epochs: a worker woken from sleep was seen placed on the waking
 * thread's core, where the two took turns instead of working side by side
 * (a split loop then ran 3x slower than on one thread). Once the pool is
 * handed back, 1 ms. */
#define SPIN_ENGAGED_NS 100000000L
#define SPIN_NS 1000000L
/* past this, a spinning thread also yields its core at every time check, to
 * any other thread that is ready to run on it (a machine with more threads
 * than cores) */
#define YIELD_NS 50000L
#define MAX_WORKERS 255

typedef void (*blas_dojob)(int thread_num, void *jobdata, int dojob_data);
typedef void (*blas_threads_callback)(int sync, blas_dojob dojob, int numjobs,
                                      size_t jobdata_elsize, void *jobdata,
                                      int dojob_data);
typedef void (*blas_setter)(blas_threads_callback);

static struct {
    pthread_mutex_t dispatch; /* one dispatch at a time */
    pthread_mutex_t lock;     /* guards the sleep on wake */
    pthread_cond_t wake;
    atomic_uint gen;
    atomic_int pending;
    atomic_int sleepers;
    atomic_int engaged;
    skw_job job;
    void *ctx;
    int parts;
    int workers;
    blas_setter setter;
    blas_threads_callback previous;
    atomic_long blas_calls;
    atomic_long dispatches;
} pool = {
    .dispatch = PTHREAD_MUTEX_INITIALIZER,
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
};

static _Thread_local int in_job; /* this thread is running a part */

/* the generation each worker was started in, which is not a job for it */
static unsigned start_gen[MAX_WORKERS + 1];

static long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void *worker_main(void *arg) {
    int me = (int)(intptr_t)arg; /* 1 .. workers */
    unsigned seen = start_gen[me];
    in_job = 1;
    for (;;) {
        unsigned g = atomic_load_explicit(&pool.gen, memory_order_acquire);
        if (g == seen) {
            long start = now_ns();
            for (unsigned spins = 1;; spins++) {
                CPU_RELAX();
                g = atomic_load_explicit(&pool.gen, memory_order_acquire);
                if (g != seen) break;
                if ((spins & 63) != 0) continue;
                long waited = now_ns() - start;
                if (waited > YIELD_NS) sched_yield();
                if (waited > (atomic_load_explicit(&pool.engaged, memory_order_relaxed)
                                  ? SPIN_ENGAGED_NS
                                  : SPIN_NS)) {
                    pthread_mutex_lock(&pool.lock);
                    atomic_fetch_add(&pool.sleepers, 1);
                    while ((g = atomic_load(&pool.gen)) == seen)
                        pthread_cond_wait(&pool.wake, &pool.lock);
                    atomic_fetch_sub(&pool.sleepers, 1);
                    pthread_mutex_unlock(&pool.lock);
                    break;
                }
            }
        }
        seen = g;
        if (me < pool.parts) pool.job(pool.ctx, me, pool.parts);
        atomic_fetch_sub_explicit(&pool.pending, 1, memory_order_release);
    }
    return NULL;
}

/* Start workers until there are n; with the dispatch mutex held. Returns how
 * many there are (fewer when the system refuses a thread). */
static int ensure_workers(int n) {
    if (n > MAX_WORKERS) n = MAX_WORKERS;
    while (pool.workers < n) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        /* gen does not change while `dispatch` is held: the worker takes the
         * next generation as its first job, however late it starts */
        start_gen[pool.workers + 1] = atomic_load(&pool.gen);
        int err = pthread_create(&t, &attr, worker_main,
                                 (void *)(intptr_t)(pool.workers + 1));
        pthread_attr_destroy(&attr);
        if (err) break;
        pool.workers++;
    }
    return pool.workers;
}

static void run_serially(skw_job job, void *ctx, int parts) {
    for (int i = 0; i < parts; i++) job(ctx, i, parts);
}

void skw_pool_run(skw_job job, void *ctx, int parts) {
    if (parts <= 1 || in_job) {
        run_serially(job, ctx, parts);
        return;
    }
    pthread_mutex_lock(&pool.dispatch);
    if (ensure_workers(parts - 1) < parts - 1) {
        /* no threads to be had: the parts one after another (the fused loops
         * allow it; the BLAS never asks for more threads than it was given) */
        pthread_mutex_unlock(&pool.dispatch);
        run_serially(job, ctx, parts);
        return;
    }
    pool.job = job;
    pool.ctx = ctx;
    pool.parts = parts;
    atomic_store(&pool.pending, pool.workers);
    atomic_fetch_add(&pool.gen, 1); /* seq_cst: ordered before the sleepers load */
    if (atomic_load(&pool.sleepers) > 0) {
        pthread_mutex_lock(&pool.lock);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.lock);
    }
    atomic_fetch_add_explicit(&pool.dispatches, 1, memory_order_relaxed);
    in_job = 1;
    job(ctx, 0, parts);
    in_job = 0;
    long start = 0;
    for (unsigned spins = 1; atomic_load_explicit(&pool.pending, memory_order_acquire) > 0;
         spins++) {
        CPU_RELAX();
        if ((spins & 63) == 0) {
            if (!start) start = now_ns();
            else if (now_ns() - start > YIELD_NS) sched_yield();
        }
    }
    pthread_mutex_unlock(&pool.dispatch);
}

Py_ssize_t skw_pool_claim(skw_claims *claims, Py_ssize_t step) {
    return __atomic_fetch_add(&claims->next, step, __ATOMIC_RELAXED);
}

int skw_pool_parts(Py_ssize_t n) {
    if (n < SKW_POOL_MIN_ELEMENTS || !atomic_load_explicit(&pool.engaged,
                                                           memory_order_relaxed))
        return 1;
    /* every part at least half the minimum: no dispatch for crumbs */
    Py_ssize_t most = n / (SKW_POOL_MIN_ELEMENTS / 2);
    return most < pool.workers + 1 ? (int)most : pool.workers + 1;
}

/* ------------------------------------------------ the BLAS's back end */
typedef struct {
    blas_dojob dojob;
    char *jobdata;
    size_t elsize;
    int data;
} BlasJobs;

static void blas_part(void *ctx, int part, int parts) {
    BlasJobs *b = ctx;
    (void)parts;
    /* thread_num is the job's index: OpenBLAS picks the job's buffers by it */
    b->dojob(part, b->jobdata + (size_t)part * b->elsize, b->data);
}

static void blas_callback(int sync, blas_dojob dojob, int numjobs, size_t elsize,
                          void *jobdata, int data) {
    /* Run synchronously whatever `sync` says: the products OpenBLAS threads
     * (exec_blas) ask for sync; the rest is done when this returns. */
    (void)sync;
    BlasJobs b = {dojob, jobdata, elsize, data};
    atomic_fetch_add_explicit(&pool.blas_calls, 1, memory_order_relaxed);
    skw_pool_run(blas_part, &b, numjobs);
}

/* A fork's child has no workers: it starts them again when it needs them. */
static void after_fork_child(void) {
    pthread_mutex_init(&pool.dispatch, NULL);
    pthread_mutex_init(&pool.lock, NULL);
    pthread_cond_init(&pool.wake, NULL);
    pool.workers = 0;
    atomic_store(&pool.sleepers, 0);
    atomic_store(&pool.pending, 0);
    in_job = 0;
}

PyObject *skw_py_pool_engage(PyObject *self, PyObject *args) {
    unsigned long long setter_addr, variable_addr;
    int threads;
    if (!PyArg_ParseTuple(args, "KKi", &setter_addr, &variable_addr, &threads))
        return NULL;
    if (!setter_addr || threads < 2) {
        PyErr_SetString(PyExc_ValueError,
                        "pool_engage needs the BLAS's callback setter and at least "
                        "two threads");
        return NULL;
    }
    if (atomic_load(&pool.engaged)) {
        PyErr_SetString(PyExc_RuntimeError, "the pool is engaged already");
        return NULL;
    }
    static int fork_handler;
    if (!fork_handler) {
        pthread_atfork(NULL, NULL, after_fork_child);
        fork_handler = 1;
    }
    int got;
    Py_BEGIN_ALLOW_THREADS
    pthread_mutex_lock(&pool.dispatch);
    got = ensure_workers(threads - 1);
    pthread_mutex_unlock(&pool.dispatch);
    Py_END_ALLOW_THREADS
    if (got < threads - 1) {
        PyErr_Format(PyExc_OSError, "could start only %d of %d pool threads", got,
                     threads - 1);
        return NULL;
    }
    pool.setter = (blas_setter)(uintptr_t)setter_addr;
    pool.previous =
        variable_addr ? *(blas_threads_callback *)(uintptr_t)variable_addr : NULL;
    atomic_store(&pool.engaged, 1);
    pool.setter(blas_callback);
    Py_RETURN_NONE;
}

PyObject *skw_py_pool_disengage(PyObject *self, PyObject *args) {
    if (atomic_load(&pool.engaged)) {
        pool.setter(pool.previous);
        /* a product that started on the pool finishes on it: wait for it */
        Py_BEGIN_ALLOW_THREADS
        pthread_mutex_lock(&pool.dispatch);
        atomic_store(&pool.engaged, 0);
        pthread_mutex_unlock(&pool.dispatch);
        Py_END_ALLOW_THREADS
    }
    Py_RETURN_NONE;
}

PyObject *skw_py_pool_info(PyObject *self, PyObject *args) {
    return Py_BuildValue("{s:O,s:i,s:l,s:l}", "engaged",
                         atomic_load(&pool.engaged) ? Py_True : Py_False, "workers",
                         pool.workers, "blas_calls", atomic_load(&pool.blas_calls),
                         "dispatches", atomic_load(&pool.dispatches));
}

#else /* no POSIX threads: every loop on the calling thread */

void skw_pool_run(skw_job job, void *ctx, int parts) {
    for (int i = 0; i < parts; i++) job(ctx, i, parts);
}

int skw_pool_parts(Py_ssize_t n) { return 1; }

Py_ssize_t skw_pool_claim(skw_claims *claims, Py_ssize_t step) {
    Py_ssize_t start = claims->next; /* one thread only */
    claims->next += step;
    return start;
}

PyObject *skw_py_pool_engage(PyObject *self, PyObject *args) {
    PyErr_SetString(PyExc_OSError, "this build has no thread pool");
    return NULL;
}

PyObject *skw_py_pool_disengage(PyObject *self, PyObject *args) { Py_RETURN_NONE; }

PyObject *skw_py_pool_info(PyObject *self, PyObject *args) {
    return Py_BuildValue("{s:O,s:i,s:l,s:l}", "engaged", Py_False, "workers", 0,
                         "blas_calls", 0L, "dispatches", 0L);
}

#endif
