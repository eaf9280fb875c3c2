// The kit's worker threads: one parallel loop at a time, for i in 0..<count.
//
// Each worker spins for a short while after a loop (so that the next loop of a training
// step, tens of microseconds later, starts at once), then sleeps on a condition variable.
// The caller takes part in its own loop, and indices are claimed one at a time, so a loop
// finishes even if every worker is asleep or descheduled. Which thread runs an index never
// changes a result: the kit's tasks each write their own part of the output.
//
// A job's lifetime, with `generation` odd while a job is being set up:
//   caller:  generation++ (odd) · wait until no worker is inside a job · write the job ·
//            generation++ (even: open) · wake sleepers · claim indices · wait for them all
//   worker:  wait for a new even generation g · active++ · if generation is still g, claim
//            indices until none is left · active--
// A worker reads the job only while it is counted in `active` and after seeing its
// generation open, and the next caller rewrites the job only once `active` is zero.
#define _GNU_SOURCE  // sched_getaffinity
#include "CKernels.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CK_PAUSE() _mm_pause()
#else
#define CK_PAUSE() ((void)0)
#endif

enum { MAX_THREADS = 8, SPIN_NANOSECONDS = 200000 };

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    _Atomic unsigned long generation;
    _Atomic int active;
    ck_task task;
    void *context;
    ptrdiff_t count;
    _Atomic ptrdiff_t next, finished;
    atomic_flag busy;
    int threads;
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, 0, 0, 0, ATOMIC_FLAG_INIT, 0};

static pthread_once_t started = PTHREAD_ONCE_INIT;

static long long now_nanoseconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void claim_and_run(void) {
    for (;;) {
        ptrdiff_t i = atomic_fetch_add(&pool.next, 1);
        if (i >= pool.count) return;
        pool.task(pool.context, i);
        atomic_fetch_add(&pool.finished, 1);
    }
}

static int is_open_and_new(unsigned long g, unsigned long seen) { return g != seen && (g & 1) == 0; }

static void *worker(void *unused) {
    (void)unused;
    unsigned long seen = atomic_load(&pool.generation);
    for (;;) {
        unsigned long g = atomic_load(&pool.generation);
        long long spinStart = now_nanoseconds();
        for (int spins = 0; !is_open_and_new(g, seen); g = atomic_load(&pool.generation)) {
            CK_PAUSE();
            if (++spins % 256 == 0 && now_nanoseconds() - spinStart > SPIN_NANOSECONDS) {
                pthread_mutex_lock(&pool.lock);
                while (!is_open_and_new(g = atomic_load(&pool.generation), seen))
                    pthread_cond_wait(&pool.wake, &pool.lock);
                pthread_mutex_unlock(&pool.lock);
                break;
            }
        }
        seen = g;
        atomic_fetch_add(&pool.active, 1);
        if (atomic_load(&pool.generation) == g) claim_and_run();
        atomic_fetch_sub(&pool.active, 1);
    }
    return NULL;
}

static void start_workers(void) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
#if defined(__linux__)
    cpu_set_t allowed;  // the cores this process may run on (taskset, containers)
    if (sched_getaffinity(0, sizeof allowed, &allowed) == 0) cores = CPU_COUNT(&allowed);
#endif
    pool.threads = cores < 1 ? 1 : (cores > MAX_THREADS ? MAX_THREADS : (int)cores);
    for (int t = 1; t < pool.threads; t++) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        if (pthread_create(&thread, &attributes, worker, NULL) != 0) pool.threads = t;
        pthread_attr_destroy(&attributes);
        if (pool.threads == t) break;
    }
}

int ck_thread_count(void) {
    pthread_once(&started, start_workers);
    return pool.threads;
}

void ck_parallel_for(ptrdiff_t count, ck_task task, void *context) {
    if (count <= 0) return;
    // One loop at a time: a loop started inside another one (or by a second thread while
    // one runs) runs on its caller alone.
    if (count == 1 || ck_thread_count() == 1 || atomic_flag_test_and_set(&pool.busy)) {
        for (ptrdiff_t i = 0; i < count; i++) task(context, i);
        return;
    }
    atomic_fetch_add(&pool.generation, 1);  // odd: closed while the job is written
    while (atomic_load(&pool.active) != 0) CK_PAUSE();
    pool.task = task;
    pool.context = context;
    pool.count = count;
    atomic_store(&pool.finished, 0);
    atomic_store(&pool.next, 0);
    pthread_mutex_lock(&pool.lock);
    atomic_fetch_add(&pool.generation, 1);  // even: open
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);
    claim_and_run();
    while (atomic_load(&pool.finished) != count) CK_PAUSE();
    atomic_flag_clear(&pool.busy);
}
