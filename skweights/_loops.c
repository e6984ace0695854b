/*
 * Fused elementwise loops of the training step: one pass over the parameters
 * where numpy needs one pass per operation.
 *
 * Every loop performs, element by element, exactly the operations of the numpy
 * code it replaces (skweights/_fused.py names them), in the same order and in the
 * array's precision, each rounded as numpy rounds it: the results are bit for bit
 * those of the numpy path. This rests on IEEE arithmetic with no contraction of a
 * multiply and an add into one rounding (the build passes -ffp-contract=off) and
 * on correctly rounded sqrt, as numpy's.
 *
 * The arrays arrive through the buffer protocol (C-contiguous, float64 "d" or
 * float32 "f", one length); the loops run without the GIL.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

#include "_pool.h"

#if defined(__GNUC__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(__clang__) && !defined(__INTEL_COMPILER)
/* One build for every x86-64 machine, the AVX2 clone chosen at load time. */
#define SKW_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SKW_CLONES
#endif

#define MAX_ARRAYS 5

typedef struct {
    Py_buffer views[MAX_ARRAYS];
    int n_views;
    Py_ssize_t size;
    int is_float; /* 1: float32, 0: float64 */
} Arrays;

/* A buffer format's float kind: 1 float32, 0 float64, -1 anything else. */
static int float_kind(const char *f) {
    if (!f) return -1;
    if (strcmp(f, "d") == 0 || strcmp(f, "<d") == 0 || strcmp(f, "=d") == 0) return 0;
    if (strcmp(f, "f") == 0 || strcmp(f, "<f") == 0 || strcmp(f, "=f") == 0) return 1;
    return -1;
}

static void release(Arrays *a) {
    for (int i = 0; i < a->n_views; i++) PyBuffer_Release(&a->views[i]);
    a->n_views = 0;
}

/* Take the buffers of objs[0..n) (None allowed where optional[i]); 0 on success. */
static int acquire(Arrays *a, PyObject **objs, const int *optional, int n,
                   const char *const *names) {
    a->n_views = 0;
    a->size = -1;
    a->is_float = -1;
    for (int i = 0; i < n; i++) {
        Py_buffer *view = &a->views[a->n_views];
        if (objs[i] == Py_None) {
            if (optional[i]) continue;
            PyErr_Format(PyExc_TypeError, "%s must be an array, not None", names[i]);
            release(a);
            return -1;
        }
        if (PyObject_GetBuffer(objs[i], view,
                               PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
            release(a);
            return -1;
        }
        a->n_views++;
        const char *f = view->format;
        int is_float = float_kind(f);
        if (is_float < 0) {
            PyErr_Format(PyExc_TypeError,
                         "%s must hold float64 or float32 values (buffer format %s)",
                         names[i], f ? f : "B");
            release(a);
            return -1;
        }
        Py_ssize_t size = view->len / view->itemsize;
        if (a->size < 0) {
            a->size = size;
            a->is_float = is_float;
        } else if (size != a->size || is_float != a->is_float) {
            PyErr_Format(PyExc_ValueError,
                         "%s must have the size and dtype of %s (%zd against %zd "
                         "elements)", names[i], names[0], size, a->size);
            release(a);
            return -1;
        }
    }
    return 0;
}

/* Take obj's buffer (read-only) as the next view of a: an array of a's float
 * kind with ndim dimensions, the first shape[0] long and the second shape[1]
 * (ndim 2); else ValueError msg, and every view released.                   */
static int another(Arrays *a, PyObject *obj, int ndim, Py_ssize_t d0, Py_ssize_t d1,
                   const char *msg) {
    Py_buffer *view = &a->views[a->n_views];
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        release(a);
        return -1;
    }
    a->n_views++;
    if (float_kind(view->format) != a->is_float || view->ndim != ndim ||
        view->shape[0] != d0 || (ndim == 2 && view->shape[1] != d1)) {
        PyErr_SetString(PyExc_ValueError, msg);
        release(a);
        return -1;
    }
    return 0;
}

static void *buf(Arrays *a, PyObject **objs, int i) {
    /* the data of objs[i] (None: NULL), in acquisition order */
    int k = 0;
    for (int j = 0; j < i; j++) k += objs[j] != Py_None;
    return objs[i] == Py_None ? NULL : a->views[k].buf;
}

/* numpy's maximum: NaN propagates, the first argument wins ties */
#define NP_MAX(x, y) (((x) >= (y) || (x) != (x)) ? (x) : (y))

/* ------------------------------------------------------------ Adam / AMSGrad */
/* m *= b1; tmp = g * (1 - b1); m += tmp
 * v *= b2; tmp = g * g; tmp *= 1 - b2; v += tmp
 * [vm = maximum(vm, v); v = vm]
 * d = sqrt(v); [d /= bc2]; d += eps; s = m * scale; s /= d; p += s           */
#define ADAM_BODY(T, SQRT)                                                        \
    for (Py_ssize_t i = 0; i < n; i++) {                                          \
        T gi = g[i];                                                              \
        T mi = m[i] * b1;                                                         \
        T t = gi * omb1;                                                          \
        mi = mi + t;                                                              \
        m[i] = mi;                                                                \
        T vi = v[i] * b2;                                                         \
        t = gi * gi;                                                              \
        t = t * omb2;                                                             \
        vi = vi + t;                                                              \
        v[i] = vi;                                                                \
        if (vm) {                                                                 \
            vi = NP_MAX(vm[i], vi);                                               \
            vm[i] = vi;                                                           \
        }                                                                         \
        T d = SQRT(vi);                                                           \
        if (torch) d = d / bc2;                                                   \
        d = d + eps;                                                              \
        T s = mi * scale;                                                         \
        s = s / d;                                                                \
        p[i] = p[i] + s;                                                          \
    }

SKW_CLONES static void adam_d(Py_ssize_t n, double *p, const double *g, double *m,
                              double *v, double *vm, double b1, double omb1,
                              double b2, double omb2, double scale, double eps,
                              int torch, double bc2) {
    ADAM_BODY(double, sqrt)
}

SKW_CLONES static void adam_f(Py_ssize_t n, float *p, const float *g, float *m,
                              float *v, float *vm, float b1, float omb1, float b2,
                              float omb2, float scale, float eps, int torch,
                              float bc2) {
    ADAM_BODY(float, sqrtf)
}

static PyObject *py_adam(PyObject *self, PyObject *args) {
    PyObject *objs[5];
    double b1, omb1, b2, omb2, scale, eps, bc2;
    int torch;
    if (!PyArg_ParseTuple(args, "OOOOOddddddpd", &objs[0], &objs[1], &objs[2],
                          &objs[3], &objs[4], &b1, &omb1, &b2, &omb2, &scale, &eps,
                          &torch, &bc2))
        return NULL;
    static const int optional[5] = {0, 0, 0, 0, 1};
    static const char *const names[5] = {"params", "grads", "m", "v", "v_max"};
    Arrays a;
    if (acquire(&a, objs, optional, 5, names) < 0) return NULL;
    Py_ssize_t n = a.size;
    void *p = buf(&a, objs, 0), *g = buf(&a, objs, 1), *m = buf(&a, objs, 2),
         *v = buf(&a, objs, 3), *vm = buf(&a, objs, 4);
    Py_BEGIN_ALLOW_THREADS
    if (a.is_float)
        adam_f(n, p, g, m, v, vm, (float)b1, (float)omb1, (float)b2, (float)omb2,
               (float)scale, (float)eps, torch, (float)bc2);
    else
        adam_d(n, p, g, m, v, vm, b1, omb1, b2, omb2, scale, eps, torch, bc2);
    Py_END_ALLOW_THREADS
    release(&a);
    Py_RETURN_NONE;
}

/* ------------------------------------------------------- SGD, Keras' form */
/* lr_g = g * lr; v *= mu; v -= lr_g;
 * nesterov: s = v * mu; s -= lr_g; p += s      else: p += v                   */
#define SGD_BODY(T)                                                               \
    for (Py_ssize_t i = 0; i < n; i++) {                                          \
        T lr_g = g[i] * lr;                                                       \
        T vi = v[i] * mu;                                                         \
        vi = vi - lr_g;                                                           \
        v[i] = vi;                                                                \
        if (nesterov) {                                                           \
            T s = vi * mu;                                                        \
            s = s - lr_g;                                                         \
            p[i] = p[i] + s;                                                      \
        } else {                                                                  \
            p[i] = p[i] + vi;                                                     \
        }                                                                         \
    }

SKW_CLONES static void sgd_d(Py_ssize_t n, double *p, const double *g, double *v,
                             double lr, double mu, int nesterov) {
    SGD_BODY(double)
}

SKW_CLONES static void sgd_f(Py_ssize_t n, float *p, const float *g, float *v,
                             float lr, float mu, int nesterov) {
    SGD_BODY(float)
}

static PyObject *py_sgd(PyObject *self, PyObject *args) {
    PyObject *objs[3];
    double lr, mu;
    int nesterov;
    if (!PyArg_ParseTuple(args, "OOOddp", &objs[0], &objs[1], &objs[2], &lr, &mu,
                          &nesterov))
        return NULL;
    static const int optional[3] = {0, 0, 0};
    static const char *const names[3] = {"params", "grads", "velocities"};
    Arrays a;
    if (acquire(&a, objs, optional, 3, names) < 0) return NULL;
    Py_ssize_t n = a.size;
    void *p = buf(&a, objs, 0), *g = buf(&a, objs, 1), *v = buf(&a, objs, 2);
    Py_BEGIN_ALLOW_THREADS
    if (a.is_float)
        sgd_f(n, p, g, v, (float)lr, (float)mu, nesterov);
    else
        sgd_d(n, p, g, v, lr, mu, nesterov);
    Py_END_ALLOW_THREADS
    release(&a);
    Py_RETURN_NONE;
}

/* ------------------------------------------- gradient: penalty and 1/S */
/* with w: tmp = w * factor; g += tmp; g /= s      without: g /= s              */
#define SCALE_BODY(T)                                                             \
    if (w) {                                                                      \
        for (Py_ssize_t i = 0; i < n; i++) {                                      \
            T t = w[i] * factor;                                                  \
            T gi = g[i] + t;                                                      \
            g[i] = gi / s;                                                        \
        }                                                                         \
    } else {                                                                      \
        for (Py_ssize_t i = 0; i < n; i++) g[i] = g[i] / s;                       \
    }

SKW_CLONES static void scale_d(Py_ssize_t n, const double *w, double *g,
                               double factor, double s) {
    SCALE_BODY(double)
}

SKW_CLONES static void scale_f(Py_ssize_t n, const float *w, float *g, float factor,
                               float s) {
    SCALE_BODY(float)
}

static PyObject *py_scale_gradient(PyObject *self, PyObject *args) {
    PyObject *objs[2];
    double factor, s;
    if (!PyArg_ParseTuple(args, "OOdd", &objs[0], &objs[1], &factor, &s)) return NULL;
    /* w (objs[0]) may be None: the gradient is only divided */
    static const int optional[2] = {1, 0};
    static const char *const names[2] = {"weights", "grads"};
    Arrays a;
    if (acquire(&a, objs, optional, 2, names) < 0) return NULL;
    Py_ssize_t n = a.size;
    void *w = buf(&a, objs, 0), *g = buf(&a, objs, 1);
    Py_BEGIN_ALLOW_THREADS
    if (a.is_float)
        scale_f(n, w, g, (float)factor, (float)s);
    else
        scale_d(n, w, g, factor, s);
    Py_END_ALLOW_THREADS
    release(&a);
    Py_RETURN_NONE;
}

/* -------------------------------------------------------- layers: ReLU */
/* A += b (b broadcast over rows); maximum(A, 0, out=A): NaN stays, -0 -> +0   */
#define BIAS_RELU_BODY(T)                                                         \
    for (Py_ssize_t r = 0; r < rows; r++) {                                       \
        T *row = a + r * cols;                                                    \
        for (Py_ssize_t j = 0; j < cols; j++) {                                   \
            T z = row[j] + b[j];                                                  \
            row[j] = (z > 0 || z != z) ? z : (T)0;                                \
        }                                                                         \
    }

SKW_CLONES static void bias_relu_d(Py_ssize_t rows, Py_ssize_t cols, double *a,
                                   const double *b) {
    BIAS_RELU_BODY(double)
}

SKW_CLONES static void bias_relu_f(Py_ssize_t rows, Py_ssize_t cols, float *a,
                                   const float *b) {
    BIAS_RELU_BODY(float)
}

/* delta *= (A > 0): a product with 1 or 0, as numpy's (delta * 0 is -0 for a
 * negative delta, NaN for an infinite one)                                   */
#define RELU_BACK_BODY(T)                                                         \
    for (Py_ssize_t i = 0; i < n; i++) {                                          \
        T mask = a[i] > 0 ? (T)1 : (T)0;                                          \
        d[i] = d[i] * mask;                                                       \
    }

SKW_CLONES static void relu_back_d(Py_ssize_t n, double *d, const double *a) {
    RELU_BACK_BODY(double)
}

SKW_CLONES static void relu_back_f(Py_ssize_t n, float *d, const float *a) {
    RELU_BACK_BODY(float)
}

/* A 2-D C-contiguous float buffer of rows x cols, and a 1-D one of len values. */
static int matrix(Arrays *a, PyObject *mat, PyObject *vec, const char *mat_name,
                  const char *vec_name, int vec_along_rows, Py_ssize_t *rows,
                  Py_ssize_t *cols) {
    /* vec_along_rows: 0, one value per column and the matrix written (bias_relu);
     * 1, one per row and both written (softmax_shift, take_true); 2, one per
     * column and the vector written (column_sums); 3, one per column and both
     * written (relu_backward_sums) */
    PyObject *objs[2] = {mat, vec};
    const int writable[2] = {vec_along_rows != 2, vec_along_rows != 0};
    a->n_views = 0;
    for (int i = 0; i < 2; i++) {
        Py_buffer *view = &a->views[i];
        int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable[i] ? PyBUF_WRITABLE : 0);
        if (PyObject_GetBuffer(objs[i], view, flags) < 0) {
            release(a);
            return -1;
        }
        a->n_views++;
    }
    Py_buffer *m = &a->views[0], *v = &a->views[1];
    const char *names[2] = {mat_name, vec_name};
    for (int i = 0; i < 2; i++) {
        const char *f = a->views[i].format;
        int fl = float_kind(f);
        if (fl < 0) {
            PyErr_Format(PyExc_TypeError,
                         "%s must hold float64 or float32 values (buffer format %s)",
                         names[i], f ? f : "B");
            release(a);
            return -1;
        }
        if (i == 0) a->is_float = fl;
        else if (fl != a->is_float) {
            PyErr_Format(PyExc_ValueError, "%s must have the dtype of %s", names[1],
                         names[0]);
            release(a);
            return -1;
        }
    }
    if (m->ndim != 2 || v->ndim != 1) {
        PyErr_Format(PyExc_ValueError, "%s must be 2-D and %s 1-D", mat_name, vec_name);
        release(a);
        return -1;
    }
    *rows = m->shape[0];
    *cols = m->shape[1];
    Py_ssize_t want = vec_along_rows == 1 ? *rows : *cols;
    if (v->shape[0] != want) {
        PyErr_Format(PyExc_ValueError, "%s must have %zd values (got %zd)", vec_name,
                     want, v->shape[0]);
        release(a);
        return -1;
    }
    return 0;
}

/* A matrix's loop split over the pool by rows (bias_relu). Not so
 * relu_backward_sums: its column sums must each be one thread's, added row
 * after row, and split by columns (half of every row to each thread) it was
 * measured 1.2x-2.4x slower than on one thread.                             */
typedef struct {
    char *a;        /* rows x cols, C-contiguous */
    char *vec;      /* one value per column */
    Py_ssize_t rows, cols;
    int is_float;
} Rows;

static void bias_relu_rows(void *ctx, int part, int parts) {
    Rows *j = ctx;
    Py_ssize_t r0 = j->rows * part / parts, r1 = j->rows * (part + 1) / parts;
    if (j->is_float)
        bias_relu_f(r1 - r0, j->cols, (float *)j->a + r0 * j->cols, (float *)j->vec);
    else
        bias_relu_d(r1 - r0, j->cols, (double *)j->a + r0 * j->cols,
                    (double *)j->vec);
}

static PyObject *py_bias_relu(PyObject *self, PyObject *args) {
    PyObject *mat, *vec;
    if (!PyArg_ParseTuple(args, "OO", &mat, &vec)) return NULL;
    Arrays a;
    Py_ssize_t rows, cols;
    if (matrix(&a, mat, vec, "A", "b", 0, &rows, &cols) < 0) return NULL;
    Rows job = {a.views[0].buf, a.views[1].buf, rows, cols, a.is_float};
    if (rows * cols > 0) {
        Py_BEGIN_ALLOW_THREADS
        skw_pool_run(bias_relu_rows, &job, skw_pool_parts(rows * cols));
        Py_END_ALLOW_THREADS
    }
    release(&a);
    Py_RETURN_NONE;
}

static PyObject *py_relu_backward(PyObject *self, PyObject *args) {
    PyObject *objs[2];
    if (!PyArg_ParseTuple(args, "OO", &objs[0], &objs[1])) return NULL;
    static const int optional[2] = {0, 0};
    static const char *const names[2] = {"delta", "A"};
    Arrays a;
    if (acquire(&a, objs, optional, 2, names) < 0) return NULL;
    void *d = a.views[0].buf, *x = a.views[1].buf;
    Py_ssize_t n = a.size;
    Py_BEGIN_ALLOW_THREADS
    if (a.is_float) relu_back_f(n, d, x);
    else relu_back_d(n, d, x);
    Py_END_ALLOW_THREADS
    release(&a);
    Py_RETURN_NONE;
}

/* out = np.add.reduce(delta, axis=0): numpy reduces a C-contiguous matrix over
 * its rows by adding row after row to the identity 0, column by column (so a
 * column of -0 sums to +0)                                                   */
#define COL_SUMS_BODY(T)                                                          \
    for (Py_ssize_t j = 0; j < cols; j++) out[j] = (T)0 + a[j];                   \
    for (Py_ssize_t r = 1; r < rows; r++) {                                       \
        const T *row = a + r * cols;                                              \
        for (Py_ssize_t j = 0; j < cols; j++) out[j] = out[j] + row[j];           \
    }

SKW_CLONES static void col_sums_d(Py_ssize_t rows, Py_ssize_t cols, const double *a,
                                  double *out) {
    COL_SUMS_BODY(double)
}

SKW_CLONES static void col_sums_f(Py_ssize_t rows, Py_ssize_t cols, const float *a,
                                  float *out) {
    COL_SUMS_BODY(float)
}

static PyObject *py_column_sums(PyObject *self, PyObject *args) {
    PyObject *mat, *vec;
    if (!PyArg_ParseTuple(args, "OO", &mat, &vec)) return NULL;
    Arrays a;
    Py_ssize_t rows, cols;
    if (matrix(&a, mat, vec, "delta", "out", 2, &rows, &cols) < 0) return NULL;
    if (rows == 0 || cols < 2) {
        /* a single column is a contiguous vector, which numpy sums pairwise */
        PyErr_SetString(PyExc_ValueError,
                        "column_sums takes delta of at least one row and two columns");
        release(&a);
        return NULL;
    }
    void *m = a.views[0].buf, *v = a.views[1].buf;
    if (a.is_float) col_sums_f(rows, cols, m, v);
    else col_sums_d(rows, cols, m, v);
    release(&a);
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------ softmax */
/* Z += b (b NULL: nothing added); m = the row's maximum (NaN if it holds one);
 * Z -= m; out[r] = m. Returns how many maxima are not finite.               */
#define SOFTMAX_SHIFT_BODY(T)                                                     \
    Py_ssize_t bad = 0;                                                           \
    for (Py_ssize_t r = 0; r < rows; r++) {                                       \
        T *row = a + r * cols;                                                    \
        if (b)                                                                    \
            for (Py_ssize_t j = 0; j < cols; j++) row[j] = row[j] + b[j];         \
        T m = row[0];                                                             \
        int nan = m != m;                                                         \
        for (Py_ssize_t j = 1; j < cols; j++) {                                   \
            T x = row[j];                                                         \
            nan |= x != x;                                                        \
            m = x > m ? x : m;                                                    \
        }                                                                         \
        if (nan) m = (T)NAN;                                                      \
        for (Py_ssize_t j = 0; j < cols; j++) row[j] = row[j] - m;                \
        out[r] = m;                                                               \
        bad += !isfinite(m);                                                      \
    }                                                                             \
    return bad;

SKW_CLONES static Py_ssize_t softmax_shift_d(Py_ssize_t rows, Py_ssize_t cols,
                                             double *a, const double *b,
                                             double *out) {
    SOFTMAX_SHIFT_BODY(double)
}

SKW_CLONES static Py_ssize_t softmax_shift_f(Py_ssize_t rows, Py_ssize_t cols,
                                             float *a, const float *b, float *out) {
    SOFTMAX_SHIFT_BODY(float)
}

/* numpy's pairwise summation of a contiguous run (loops_utils.h.src), in the
 * array's precision: below 8 values one after another from -0; up to 128 eight
 * accumulators, combined as a tree, then the rest; above, two halves split at a
 * multiple of 8.                                                             */
#define PAIRWISE(T, NAME)                                                         \
    static T NAME(const T *a, Py_ssize_t n) {                                     \
        if (n < 8) {                                                              \
            T res = (T)-0.0;                                                      \
            for (Py_ssize_t i = 0; i < n; i++) res = res + a[i];                  \
            return res;                                                           \
        }                                                                         \
        if (n <= 128) {                                                           \
            T r[8];                                                               \
            for (int u = 0; u < 8; u++) r[u] = a[u];                              \
            Py_ssize_t i = 8;                                                     \
            for (; i < n - (n % 8); i += 8)                                       \
                for (int u = 0; u < 8; u++) r[u] = r[u] + a[i + u];               \
            T res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7])); \
            for (; i < n; i++) res = res + a[i];                                  \
            return res;                                                           \
        }                                                                         \
        Py_ssize_t n2 = n / 2;                                                    \
        n2 -= n2 % 8;                                                             \
        return NAME(a, n2) + NAME(a + n2, n - n2);                                \
    }

PAIRWISE(double, pairwise_d)
PAIRWISE(float, pairwise_f)

/* Z /= Z.sum(axis=1)[:, None]: numpy reduces a row by adding its pairwise sum
 * to the identity 0. Not cloned for AVX2: its clone called the plain pairwise
 * sum once a row with the vector registers' upper halves in use (GCC 12 puts
 * no vzeroupper before that call), which on Intel cores cost 20x (26 against
 * 1.3 us on a 200 x 10 batch); plain, it is as fast as an AVX2 build without
 * that call.                                                                 */
#define ROW_NORMALIZE_BODY(T, PW)                                                 \
    for (Py_ssize_t r = 0; r < rows; r++) {                                       \
        T *row = a + r * cols;                                                    \
        T s = (T)0 + PW(row, cols);                                               \
        for (Py_ssize_t j = 0; j < cols; j++) row[j] = row[j] / s;                \
    }

static void row_normalize_d(Py_ssize_t rows, Py_ssize_t cols, double *a) {
    ROW_NORMALIZE_BODY(double, pairwise_d)
}

static void row_normalize_f(Py_ssize_t rows, Py_ssize_t cols, float *a) {
    ROW_NORMALIZE_BODY(float, pairwise_f)
}

/* rows longer than this are reduced by numpy through its buffered iterator, in
 * blocks whose bounds this loop does not reproduce: declined                 */
#define MAX_ROW 4096

static PyObject *py_softmax_shift(PyObject *self, PyObject *args) {
    PyObject *mat, *bias, *vec;
    if (!PyArg_ParseTuple(args, "OOO", &mat, &bias, &vec)) return NULL;
    Arrays a;
    Py_ssize_t rows, cols;
    if (matrix(&a, mat, vec, "Z", "out", 1, &rows, &cols) < 0) return NULL;
    if (cols == 0 && rows > 0) {
        PyErr_SetString(PyExc_ValueError, "Z has no columns: a row maximum is undefined");
        release(&a);
        return NULL;
    }
    const void *b = NULL;
    if (bias != Py_None) {
        if (another(&a, bias, 1, cols, 0,
                    "b must be a vector of Z's dtype with one value per column") < 0)
            return NULL;
        b = a.views[2].buf;
    }
    void *m = a.views[0].buf, *v = a.views[1].buf;
    Py_ssize_t bad;
    if (a.is_float) bad = softmax_shift_f(rows, cols, m, b, v);
    else bad = softmax_shift_d(rows, cols, m, b, v);
    release(&a);
    return PyLong_FromSsize_t(bad);
}

static PyObject *py_row_normalize(PyObject *self, PyObject *args) {
    PyObject *objs[1];
    if (!PyArg_ParseTuple(args, "O", &objs[0])) return NULL;
    static const int optional[1] = {0};
    static const char *const names[1] = {"Z"};
    Arrays a;
    if (acquire(&a, objs, optional, 1, names) < 0) return NULL;
    Py_buffer *z = &a.views[0];
    if (z->ndim != 2 || z->shape[1] > MAX_ROW) {
        PyErr_Format(PyExc_ValueError, "Z must be 2-D with at most %d columns",
                     MAX_ROW);
        release(&a);
        return NULL;
    }
    Py_ssize_t rows = z->shape[0], cols = z->shape[1];
    if (a.is_float) row_normalize_f(rows, cols, z->buf);
    else row_normalize_d(rows, cols, z->buf);
    release(&a);
    Py_RETURN_NONE;
}

/* ------------------------------------------- log-loss on one-hot rows */
/* numpy's minimum: NaN propagates, the first argument wins ties */
#define NP_MIN(x, y) (((x) <= (y) || (x) != (x)) ? (x) : (y))

/* p[r] = minimum(maximum(Z[r, k], lo), hi) for the k where y[r, k] is True
 * (np.clip of y_pred[y]); then Z -= y, which changes only that entry.        */
#define TAKE_TRUE_BODY(T)                                                         \
    for (Py_ssize_t r = 0; r < rows; r++) {                                       \
        T *row = a + r * cols;                                                    \
        const char *yr = y + r * cols;                                            \
        Py_ssize_t k = 0;                                                         \
        while (!yr[k]) k++;                                                       \
        T x = row[k];                                                             \
        x = NP_MAX(x, lo);                                                        \
        p[r] = NP_MIN(x, hi);                                                     \
        row[k] = row[k] - (T)1;                                                   \
    }

static void take_true_d(Py_ssize_t rows, Py_ssize_t cols, double *a, const char *y,
                        double *p, double lo, double hi) {
    TAKE_TRUE_BODY(double)
}

static void take_true_f(Py_ssize_t rows, Py_ssize_t cols, float *a, const char *y,
                        float *p, float lo, float hi) {
    TAKE_TRUE_BODY(float)
}

static PyObject *py_take_true(PyObject *self, PyObject *args) {
    PyObject *mat, *y_obj, *vec;
    double lo, hi;
    if (!PyArg_ParseTuple(args, "OOOdd", &mat, &y_obj, &vec, &lo, &hi)) return NULL;
    Arrays a;
    Py_ssize_t rows, cols;
    if (matrix(&a, mat, vec, "y_pred", "out", 1, &rows, &cols) < 0) return NULL;
    Py_buffer *yv = &a.views[2];
    if (PyObject_GetBuffer(y_obj, yv, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        release(&a);
        return NULL;
    }
    a.n_views++;
    const char *f = yv->format;
    if (!f || strcmp(f, "?") != 0 || yv->ndim != 2 || yv->shape[0] != rows ||
        yv->shape[1] != cols) {
        PyErr_SetString(PyExc_ValueError, "y must be a boolean array shaped like y_pred");
        release(&a);
        return NULL;
    }
    const char *y = yv->buf;
    for (Py_ssize_t r = 0; r < rows; r++) {
        Py_ssize_t ones = 0;
        for (Py_ssize_t k = 0; k < cols; k++) ones += y[r * cols + k] != 0;
        if (ones != 1) {
            PyErr_Format(PyExc_ValueError,
                         "row %zd of y holds %zd True values, not one", r, ones);
            release(&a);
            return NULL;
        }
    }
    void *m = a.views[0].buf, *v = a.views[1].buf;
    if (a.is_float) take_true_f(rows, cols, m, y, v, (float)lo, (float)hi);
    else take_true_d(rows, cols, m, y, v, lo, hi);
    release(&a);
    Py_RETURN_NONE;
}

/* delta *= (A > 0), then out = np.add.reduce(delta, axis=0): the two passes of
 * relu_backward and column_sums in one, each value as there                   */
#define RELU_BACK_SUMS_BODY(T)                                                    \
    for (Py_ssize_t j = 0; j < cols; j++) {                                       \
        T mask = a[j] > 0 ? (T)1 : (T)0;                                          \
        T x = d[j] * mask;                                                        \
        d[j] = x;                                                                 \
        out[j] = (T)0 + x;                                                        \
    }                                                                             \
    for (Py_ssize_t r = 1; r < rows; r++) {                                       \
        T *drow = d + r * cols;                                                   \
        const T *arow = a + r * cols;                                             \
        for (Py_ssize_t j = 0; j < cols; j++) {                                   \
            T mask = arow[j] > 0 ? (T)1 : (T)0;                                   \
            T x = drow[j] * mask;                                                 \
            drow[j] = x;                                                          \
            out[j] = out[j] + x;                                                  \
        }                                                                         \
    }

SKW_CLONES static void relu_back_sums_d(Py_ssize_t rows, Py_ssize_t cols, double *d,
                                        const double *a, double *out) {
    RELU_BACK_SUMS_BODY(double)
}

SKW_CLONES static void relu_back_sums_f(Py_ssize_t rows, Py_ssize_t cols, float *d,
                                        const float *a, float *out) {
    RELU_BACK_SUMS_BODY(float)
}

static PyObject *py_relu_backward_sums(PyObject *self, PyObject *args) {
    PyObject *d_obj, *a_obj, *out_obj;
    if (!PyArg_ParseTuple(args, "OOO", &d_obj, &a_obj, &out_obj)) return NULL;
    Arrays a;
    Py_ssize_t rows, cols;
    /* delta and its column sums, both written */
    if (matrix(&a, d_obj, out_obj, "delta", "out", 3, &rows, &cols) < 0) return NULL;
    if (rows == 0 || cols < 2) {
        /* a single column is a contiguous vector, which numpy sums pairwise */
        PyErr_SetString(PyExc_ValueError,
                        "relu_backward_sums takes delta of at least one row and two "
                        "columns");
        release(&a);
        return NULL;
    }
    if (another(&a, a_obj, 2, rows, cols, "A must be shaped like delta, of its dtype") < 0)
        return NULL;
    void *d = a.views[0].buf, *out = a.views[1].buf, *x = a.views[2].buf;
    Py_BEGIN_ALLOW_THREADS
    if (a.is_float) relu_back_sums_f(rows, cols, d, x, out);
    else relu_back_sums_d(rows, cols, d, x, out);
    Py_END_ALLOW_THREADS
    release(&a);
    Py_RETURN_NONE;
}

/* ------------------------------------------------------- batch gather */
/* out[i] = A[idx[i]] for each row i: A.take(idx, axis=0, out=out), a copy of
 * bytes, split by rows over the pool when it is engaged                    */
typedef struct {
    const char *a;
    const Py_ssize_t *idx;
    char *out;
    Py_ssize_t rows, row_bytes;
} Gather;

static void gather_part(void *ctx, int part, int parts) {
    Gather *j = ctx;
    Py_ssize_t r0 = j->rows * part / parts, r1 = j->rows * (part + 1) / parts;
    for (Py_ssize_t r = r0; r < r1; r++)
        memcpy(j->out + r * j->row_bytes, j->a + j->idx[r] * j->row_bytes,
               j->row_bytes);
}

static PyObject *py_gather_rows(PyObject *self, PyObject *args) {
    PyObject *a_obj, *idx_obj, *out_obj;
    if (!PyArg_ParseTuple(args, "OOO", &a_obj, &idx_obj, &out_obj)) return NULL;
    Py_buffer av, iv, ov;
    if (PyObject_GetBuffer(a_obj, &av, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        return NULL;
    if (PyObject_GetBuffer(idx_obj, &iv, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        PyBuffer_Release(&av);
        return NULL;
    }
    if (PyObject_GetBuffer(out_obj, &ov,
                           PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        PyBuffer_Release(&iv);
        PyBuffer_Release(&av);
        return NULL;
    }
    const char *err = NULL;
    const char *af = av.format ? av.format : "B", *of = ov.format ? ov.format : "B";
    const char *xf = iv.format ? iv.format : "B";
    Py_ssize_t rows = iv.ndim == 1 ? iv.shape[0] : -1;
    if (av.ndim < 1 || ov.ndim != av.ndim)
        err = "A and out must have one number of dimensions";
    else if (iv.ndim != 1 || iv.itemsize != sizeof(Py_ssize_t) || !*xf ||
             strchr("lqn", xf[strlen(xf) - 1]) == NULL)
        err = "idx must be a vector of intp";
    else if (strcmp(af, of) != 0 || av.itemsize != ov.itemsize)
        err = "out must have A's dtype";
    else if (ov.shape[0] != rows)
        err = "out must have one row per index";
    else {
        for (int d = 1; d < av.ndim && !err; d++)
            if (av.shape[d] != ov.shape[d]) err = "out's rows must be shaped like A's";
    }
    const Py_ssize_t *idx = iv.buf;
    Py_ssize_t n_a = av.ndim >= 1 ? av.shape[0] : 0;
    for (Py_ssize_t r = 0; r < rows && !err; r++)
        if (idx[r] < 0 || idx[r] >= n_a) err = "an index lies outside A's rows";
    if (err) {
        PyErr_SetString(PyExc_ValueError, err);
        PyBuffer_Release(&ov);
        PyBuffer_Release(&iv);
        PyBuffer_Release(&av);
        return NULL;
    }
    Py_ssize_t row_bytes = n_a ? av.len / n_a : 0;
    Gather job = {av.buf, idx, ov.buf, rows, row_bytes};
    Py_BEGIN_ALLOW_THREADS
    skw_pool_run(gather_part, &job, skw_pool_parts(rows * row_bytes / av.itemsize));
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&ov);
    PyBuffer_Release(&iv);
    PyBuffer_Release(&av);
    Py_RETURN_NONE;
}

/* ---------------------------------------- squared norms of consecutive parts */
/* out[k] += sum of x[i]^2 over part k, in double (bounds: part k is
 * [bounds[k], bounds[k + 1])), in 32 running sums: eight of them, one
 * dependent add after another, kept the loop at 2 values a cycle, below
 * the speed of the memory it reads                                         */
#define SUMSQ_LANES 32
#define SUMSQ_BODY(T)                                                             \
    for (Py_ssize_t k = 0; k < parts; k++) {                                      \
        double acc[SUMSQ_LANES] = {0};                                            \
        Py_ssize_t i = lo[k], stop = hi[k];                                       \
        for (; i + SUMSQ_LANES <= stop; i += SUMSQ_LANES)                         \
            for (int u = 0; u < SUMSQ_LANES; u++)                                 \
                acc[u] += (double)x[i + u] * x[i + u];                            \
        for (; i < stop; i++) acc[0] += (double)x[i] * x[i];                      \
        for (int w = SUMSQ_LANES / 2; w > 0; w /= 2)                              \
            for (int u = 0; u < w; u++) acc[u] += acc[u + w];                     \
        out[k] += acc[0];                                                         \
    }

SKW_CLONES static void sumsq_d(Py_ssize_t parts, const Py_ssize_t *lo,
                               const Py_ssize_t *hi, const double *x, double *out) {
    SUMSQ_BODY(double)
}

SKW_CLONES static void sumsq_f(Py_ssize_t parts, const Py_ssize_t *lo,
                               const Py_ssize_t *hi, const float *x, double *out) {
    SUMSQ_BODY(float)
}

#define MAX_PARTS 256

static PyObject *py_add_squared_norms(PyObject *self, PyObject *args) {
    PyObject *x_obj, *parts_obj, *out_obj;
    if (!PyArg_ParseTuple(args, "OOO", &x_obj, &parts_obj, &out_obj)) return NULL;
    if (!PyTuple_Check(parts_obj) || PyTuple_GET_SIZE(parts_obj) > MAX_PARTS) {
        PyErr_Format(PyExc_TypeError,
                     "parts must be a tuple of at most %d (index, start, stop) tuples",
                     MAX_PARTS);
        return NULL;
    }
    Py_ssize_t parts = PyTuple_GET_SIZE(parts_obj);
    Py_ssize_t idx[MAX_PARTS], lo[MAX_PARTS], hi[MAX_PARTS];
    for (Py_ssize_t k = 0; k < parts; k++) {
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(parts_obj, k), "nnn", &idx[k], &lo[k],
                              &hi[k]))
            return NULL;
    }
    Py_buffer xv, ov;
    if (PyObject_GetBuffer(x_obj, &xv, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        return NULL;
    if (PyObject_GetBuffer(out_obj, &ov,
                           PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        PyBuffer_Release(&xv);
        return NULL;
    }
    int fl = float_kind(xv.format);
    int odb = float_kind(ov.format) == 0;
    Py_ssize_t n = xv.len / (xv.itemsize ? xv.itemsize : 1);
    Py_ssize_t n_out = ov.len / (ov.itemsize ? ov.itemsize : 1);
    const char *err = NULL;
    if (fl < 0) err = "x must hold float64 or float32 values";
    else if (!odb) err = "out must hold float64 values";
    for (Py_ssize_t k = 0; k < parts && !err; k++) {
        if (lo[k] < 0 || hi[k] < lo[k] || hi[k] > n) err = "a part lies outside x";
        else if (idx[k] < 0 || idx[k] >= n_out) err = "a part's index lies outside out";
    }
    if (err) {
        PyErr_SetString(PyExc_ValueError, err);
        PyBuffer_Release(&xv);
        PyBuffer_Release(&ov);
        return NULL;
    }
    double sums[MAX_PARTS];
    for (Py_ssize_t k = 0; k < parts; k++) sums[k] = 0.0;
    Py_BEGIN_ALLOW_THREADS
    if (fl) sumsq_f(parts, lo, hi, xv.buf, sums);
    else sumsq_d(parts, lo, hi, xv.buf, sums);
    Py_END_ALLOW_THREADS
    double *out = ov.buf;
    for (Py_ssize_t k = 0; k < parts; k++) out[idx[k]] += sums[k];
    PyBuffer_Release(&xv);
    PyBuffer_Release(&ov);
    Py_RETURN_NONE;
}

/* ---------------------------- Adam with the gradient's scaling and norms */
/* For each part [lo, hi) of the weights, block by block (in cache): the
 * gradient scaled as scale_gradient does, its squares summed as
 * add_squared_norms does, then the Adam step: the three loops' values, with
 * the weights and the gradient read from memory once.                        */
#define BLOCK 2048

static int parse_parts(PyObject *parts_obj, Py_ssize_t n, Py_ssize_t n_out,
                       Py_ssize_t *idx, Py_ssize_t *lo, Py_ssize_t *hi,
                       Py_ssize_t *parts) {
    if (!PyTuple_Check(parts_obj) || PyTuple_GET_SIZE(parts_obj) > MAX_PARTS) {
        PyErr_Format(PyExc_TypeError,
                     "parts must be a tuple of at most %d (index, start, stop) tuples",
                     MAX_PARTS);
        return -1;
    }
    *parts = PyTuple_GET_SIZE(parts_obj);
    for (Py_ssize_t k = 0; k < *parts; k++) {
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(parts_obj, k), "nnn", &idx[k], &lo[k],
                              &hi[k]))
            return -1;
        if (lo[k] != (k ? hi[k - 1] : 0) || hi[k] < lo[k] || idx[k] < 0 ||
            idx[k] >= n_out) {
            PyErr_SetString(PyExc_ValueError,
                            "parts must tile the weights in order, with indices into "
                            "out");
            return -1;
        }
    }
    if ((*parts ? hi[*parts - 1] : 0) != n) {
        PyErr_SetString(PyExc_ValueError, "parts must cover every weight");
        return -1;
    }
    return 0;
}

typedef struct {
    char *p, *g, *m, *v, *vm;
    int is_float, torch;
    double b1, omb1, b2, omb2, scale, eps, bc2, factor, s;
    Py_ssize_t nb, *start, *len;
    double *partial;
    skw_claims claims;
} AdamBlocks;

/* blocks a thread claims at a time: 64 KiB of each float64 array */
#define CLAIM_BLOCKS 4

/* Block b of adam_scaled: scaled, its squares summed, then stepped. */
static void adam_block(AdamBlocks *j, Py_ssize_t b) {
    Py_ssize_t item = j->is_float ? sizeof(float) : sizeof(double), zero = 0;
    Py_ssize_t len = j->len[b], off = j->start[b] * item;
    double sum = 0.0;
    if (j->is_float) {
        float *p = (float *)(j->p + off), *g = (float *)(j->g + off);
        scale_f(len, j->factor ? p : NULL, g, (float)j->factor, (float)j->s);
        sumsq_f(1, &zero, &len, g, &sum);
        adam_f(len, p, g, (float *)(j->m + off), (float *)(j->v + off),
               j->vm ? (float *)(j->vm + off) : NULL, (float)j->b1, (float)j->omb1,
               (float)j->b2, (float)j->omb2, (float)j->scale, (float)j->eps, j->torch,
               (float)j->bc2);
    } else {
        double *p = (double *)(j->p + off), *g = (double *)(j->g + off);
        scale_d(len, j->factor ? p : NULL, g, j->factor, j->s);
        sumsq_d(1, &zero, &len, g, &sum);
        adam_d(len, p, g, (double *)(j->m + off), (double *)(j->v + off),
               j->vm ? (double *)(j->vm + off) : NULL, j->b1, j->omb1, j->b2, j->omb2,
               j->scale, j->eps, j->torch, j->bc2);
    }
    j->partial[b] = sum;
}

/* One thread's share of adam_scaled: runs of CLAIM_BLOCKS blocks, claimed
 * until none is left (a thread that starts late takes fewer). */
static void adam_blocks(void *ctx, int part, int parts) {
    AdamBlocks *j = ctx;
    (void)part;
    (void)parts;
    Py_ssize_t first;
    while ((first = skw_pool_claim(&j->claims, CLAIM_BLOCKS)) < j->nb) {
        Py_ssize_t last = first + CLAIM_BLOCKS < j->nb ? first + CLAIM_BLOCKS : j->nb;
        for (Py_ssize_t b = first; b < last; b++) adam_block(j, b);
    }
}

static PyObject *py_adam_scaled(PyObject *self, PyObject *args) {
    PyObject *objs[5], *parts_obj, *out_obj;
    double b1, omb1, b2, omb2, scale, eps, bc2, factor, s;
    int torch;
    if (!PyArg_ParseTuple(args, "OOOOOddddddpdddOO", &objs[0], &objs[1], &objs[2],
                          &objs[3], &objs[4], &b1, &omb1, &b2, &omb2, &scale, &eps,
                          &torch, &bc2, &factor, &s, &parts_obj, &out_obj))
        return NULL;
    static const int optional[5] = {0, 0, 0, 0, 1};
    static const char *const names[5] = {"params", "grads", "m", "v", "v_max"};
    Arrays a;
    if (acquire(&a, objs, optional, 5, names) < 0) return NULL;
    Py_ssize_t n = a.size;
    Py_buffer ov;
    if (PyObject_GetBuffer(out_obj, &ov,
                           PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        release(&a);
        return NULL;
    }
    if (float_kind(ov.format) != 0) {
        PyErr_SetString(PyExc_ValueError, "out must hold float64 values");
        PyBuffer_Release(&ov);
        release(&a);
        return NULL;
    }
    Py_ssize_t idx[MAX_PARTS], lo[MAX_PARTS], hi[MAX_PARTS], parts;
    if (parse_parts(parts_obj, n, ov.len / ov.itemsize, idx, lo, hi, &parts) < 0) {
        PyBuffer_Release(&ov);
        release(&a);
        return NULL;
    }
    /* the blocks, in order: block b is [start[b], start[b] + len[b]) of part
     * owner[b]; its squared norm goes to partial[b], summed per part in order
     * after the loop (the same sums whichever threads ran the blocks) */
    Py_ssize_t nb = 0;
    for (Py_ssize_t k = 0; k < parts; k++) nb += (hi[k] - lo[k] + BLOCK - 1) / BLOCK;
    AdamBlocks job = {
        .p = buf(&a, objs, 0), .g = buf(&a, objs, 1), .m = buf(&a, objs, 2),
        .v = buf(&a, objs, 3), .vm = buf(&a, objs, 4), .is_float = a.is_float,
        .b1 = b1, .omb1 = omb1, .b2 = b2, .omb2 = omb2, .scale = scale, .eps = eps,
        .torch = torch, .bc2 = bc2, .factor = factor, .s = s, .nb = nb,
    };
    char *mem = PyMem_Malloc((nb ? nb : 1) * (3 * sizeof(Py_ssize_t) + sizeof(double)));
    if (!mem) {
        PyBuffer_Release(&ov);
        release(&a);
        return PyErr_NoMemory();
    }
    job.partial = (double *)mem;
    job.start = (Py_ssize_t *)(job.partial + nb);
    job.len = job.start + nb;
    Py_ssize_t *owner = job.len + nb;
    for (Py_ssize_t k = 0, b = 0; k < parts; k++)
        for (Py_ssize_t start = lo[k]; start < hi[k]; start += BLOCK, b++) {
            job.start[b] = start;
            job.len[b] = hi[k] - start < BLOCK ? hi[k] - start : BLOCK;
            owner[b] = k;
        }
    double sums[MAX_PARTS];
    Py_BEGIN_ALLOW_THREADS
    skw_pool_run(adam_blocks, &job, skw_pool_parts(n));
    Py_END_ALLOW_THREADS
    for (Py_ssize_t k = 0; k < parts; k++) sums[k] = 0.0;
    for (Py_ssize_t b = 0; b < nb; b++) sums[owner[b]] += job.partial[b];
    PyMem_Free(mem);
    double *out = ov.buf;
    for (Py_ssize_t k = 0; k < parts; k++) out[idx[k]] += sums[k];
    PyBuffer_Release(&ov);
    release(&a);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"adam", py_adam, METH_VARARGS,
     "adam(p, g, m, v, v_max, b1, 1-b1, b2, 1-b2, scale, eps, torch, bc2): one "
     "Adam step in place (v_max None unless AMSGrad)."},
    {"adam_scaled", py_adam_scaled, METH_VARARGS,
     "adam_scaled(p, g, m, v, v_max, b1, 1-b1, b2, 1-b2, scale, eps, torch, bc2, "
     "factor, s, parts, out): g = (g + p * factor) / s (factor 0: g / s), out[i] "
     "+= the squares of g summed over each (i, start, stop) of parts (which tile "
     "p), then the Adam step; block by block, in place."},
    {"sgd", py_sgd, METH_VARARGS,
     "sgd(p, g, v, lr, mu, nesterov): one SGD step in Keras' form, in place."},
    {"scale_gradient", py_scale_gradient, METH_VARARGS,
     "scale_gradient(w, g, factor, s): g = (g + w * factor) / s in place (w None: "
     "g / s)."},
    {"bias_relu", py_bias_relu, METH_VARARGS,
     "bias_relu(A, b): A = maximum(A + b, 0) in place (A 2-D, b one per column)."},
    {"relu_backward", py_relu_backward, METH_VARARGS,
     "relu_backward(delta, A): delta *= (A > 0) in place."},
    {"column_sums", py_column_sums, METH_VARARGS,
     "column_sums(delta, out): out = np.add.reduce(delta, axis=0) (delta 2-D)."},
    {"softmax_shift", py_softmax_shift, METH_VARARGS,
     "softmax_shift(Z, b, out): Z += b (b None: nothing); out = Z.max(axis=1); "
     "Z -= out[:, None]; returns how many maxima are not finite."},
    {"relu_backward_sums", py_relu_backward_sums, METH_VARARGS,
     "relu_backward_sums(delta, A, out): delta *= (A > 0), then out = "
     "np.add.reduce(delta, axis=0) (delta 2-D)."},
    {"row_normalize", py_row_normalize, METH_VARARGS,
     "row_normalize(Z): Z /= Z.sum(axis=1)[:, None] in place, numpy's sums."},
    {"take_true", py_take_true, METH_VARARGS,
     "take_true(y_pred, y, out, lo, hi): out = clip(y_pred[y], lo, hi), then "
     "y_pred -= y (y boolean with one True per row)."},
    {"add_squared_norms", py_add_squared_norms, METH_VARARGS,
     "add_squared_norms(x, parts, out): out[i] += sum(x[start:stop] ** 2) for each "
     "(i, start, stop) in parts, summed in float64."},
    {"gather_rows", py_gather_rows, METH_VARARGS,
     "gather_rows(A, idx, out): out[i] = A[idx[i]] for every row i (A and out "
     "C-contiguous, of one dtype; idx intp, each index checked first)."},
    {"pool_engage", skw_py_pool_engage, METH_VARARGS,
     "pool_engage(setter, variable, threads): run the BLAS's parallel jobs, and "
     "split the fused loops, on a pool of threads - 1 workers and the caller; "
     "setter is the address of the BLAS's openblas_set_threads_callback_function, "
     "variable that of its openblas_threads_callback_ (0: unknown)."},
    {"pool_disengage", skw_py_pool_disengage, METH_NOARGS,
     "pool_disengage(): give the BLAS back the back end it had."},
    {"pool_info", skw_py_pool_info, METH_NOARGS,
     "pool_info(): whether the pool is engaged, its workers, and how many BLAS "
     "calls and dispatches it has run."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_loops",
    "Fused elementwise loops of the training step (see skweights._fused).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__loops(void) { return PyModule_Create(&module); }
