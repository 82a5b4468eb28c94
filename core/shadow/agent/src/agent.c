/*
 * The ShadowVM agent: the only part of an analysis that lives in the
 * observed JVM. It hands every class to the instrumentation server (from
 * the primordial phase on), defines the stub class whose static natives
 * the instrumented code calls, and ships the events those natives marshal
 * to the analysis server, with the lifecycle notifications (object free,
 * thread end, VM death) ordered after every event that names the entity.
 *
 * Options (after '=' in -agentpath): comma-separated key=value pairs
 *   inst=HOST:PORT      the instrumentation server
 *   analysis=HOST:PORT  the analysis server
 *   mode=inprocess      the hooks count in Java inside this VM; the agent
 *                       only instruments and reports the counts at death
 *   early=0             do not ask for early class hooks (to measure them)
 *   tagtime=1           time object identification (tag map or id field)
 *   idfield=1           classes may carry the injected id field: objects of
 *                       those are known by it on every path, never by tag
 *
 * The wire format is defined once, in core/shadow/wire.go; the constants
 * below must agree with it.
 */
#include <jni.h>
#include <jvmti.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Requests to the instrumentation server. */
#define REQ_STUB  'S' /* -> u16 name, u32 bytes: the stub class to define */
#define REQ_CLASS 'L' /* u64 loader, u16 name, u32 bytes -> u32 bytes (0: unchanged) */

/* Messages to the analysis server: u8 kind, u32 payload length, payload. */
#define MSG_THREAD_BUF 'B' /* u64 thread, events */
#define MSG_GROUP_BUF  'G' /* u32 group, events each prefixed by u64 thread */
#define MSG_CLASS      'K' /* u32 class id, u64 loader tag, u16 len, signature */
#define MSG_STRING     'S' /* u64 tag, u32 len, modified UTF-8 */
#define MSG_THREAD     'T' /* u64 thread, u16 len, name */
#define MSG_FREE       'F' /* u64 tags... */
#define MSG_THREAD_END 'E' /* u64 thread */
#define MSG_COUNTS     'I' /* i64 counts... (in-process mode) */
#define MSG_STATS      'X' /* u64 events dropped after VM death, u64 classes offered, u64 ns and u64 calls identifying objects by tag, then by id field */
#define MSG_DEATH      'D'
#define MSG_VM_INIT    'V' /* every event committed so far came before VM init */

/* Object tags: bit 63 marks a class object whose low bits are its class
 * id; other tags are (sequence << CLASS_BITS) | class id of the object's
 * class, so a tag alone tells the analysis the object's class and is never
 * reused. */
#define CLASS_BITS 22
#define CLASS_MASK ((1ULL << CLASS_BITS) - 1)
#define CLASS_FLAG (1ULL << 63)

#define BUF_FLUSH (64 * 1024)
#define QUEUE_LIMIT (64u * 1024 * 1024)

static jvmtiEnv *jvmti;
static int inst_fd = -1, ana_fd = -1;
static int inprocess, early = 1;
static pthread_mutex_t inst_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int inst_dead, ana_dead, vm_dead, started, live;
static char stub_name[256];
static jclass stub_class;
static uint64_t classes_offered, dropped;
static int tagtime;
static uint64_t tag_ns, tag_calls; /* time spent identifying objects by tags (tagtime=1) */
static uint64_t id_ns, id_calls;   /* and by the injected id field */

static void warn(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("dvmlab shadow agent: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ---------------------------------------------------------------- bytes */

typedef struct {
    unsigned char *p;
    size_t len, cap;
} bytes;

static void grow(bytes *b, size_t more) {
    if (b->len + more <= b->cap) return;
    size_t c = b->cap ? b->cap : 256;
    while (c < b->len + more) c *= 2;
    unsigned char *p = realloc(b->p, c);
    if (!p) { warn("out of memory"); abort(); }
    b->p = p;
    b->cap = c;
}
static void put(bytes *b, const void *v, size_t n) { grow(b, n); memcpy(b->p + b->len, v, n); b->len += n; }
static void put8(bytes *b, uint8_t v) { put(b, &v, 1); }
static void put16(bytes *b, uint16_t v) { put(b, &v, 2); }
static void put32(bytes *b, uint32_t v) { put(b, &v, 4); }
static void put64(bytes *b, uint64_t v) { put(b, &v, 8); }

/* ---------------------------------------------------------------- sockets */

static int dial(const char *addr) {
    char host[128];
    const char *colon = strrchr(addr, ':');
    if (!colon || (size_t)(colon - addr) >= sizeof host) return -1;
    memcpy(host, addr, colon - addr);
    host[colon - addr] = 0;
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)atoi(colon + 1));
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) return -1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) { close(fd); return -1; }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static int write_all(int fd, const void *p, size_t n) {
    const char *c = p;
    while (n > 0) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *p, size_t n) {
    char *c = p;
    while (n > 0) {
        ssize_t r = recv(fd, c, n, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        c += r;
        n -= (size_t)r;
    }
    return 0;
}

/* ---------------------------------------------------------------- the queue
 * Messages wait here for the sender thread, first in, first out: a message
 * enqueued before another is written before it. Class, string and thread
 * descriptions are enqueued the moment they are made, so they precede any
 * buffer that refers to them. */

typedef struct msg {
    struct msg *next;
    size_t len;
    unsigned char data[];
} msg;

static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_ready = PTHREAD_COND_INITIALIZER, q_space = PTHREAD_COND_INITIALIZER;
static msg *q_head, *q_tail;
static size_t q_bytes;
static volatile int q_stop;

static msg *new_msg(uint8_t kind, const void *payload, size_t n, const void *payload2, size_t n2) {
    msg *m = malloc(sizeof(msg) + 5 + n + n2);
    if (!m) { warn("out of memory"); abort(); }
    m->next = NULL;
    m->len = 5 + n + n2;
    m->data[0] = kind;
    uint32_t len = (uint32_t)(n + n2);
    memcpy(m->data + 1, &len, 4);
    if (n) memcpy(m->data + 5, payload, n);
    if (n2) memcpy(m->data + 5 + n, payload2, n2);
    return m;
}

/* enqueue never blocks, so callers may hold a buffer's lock while they
 * detach and enqueue it: the queue then has buffers in detach order, which
 * is what keeps a thread's end and an object's death after the events that
 * name them. Producers wait for space in throttle, holding nothing. */
static void enqueue(msg *m) {
    if (ana_dead) { free(m); return; }
    pthread_mutex_lock(&q_lock);
    if (ana_dead) { pthread_mutex_unlock(&q_lock); free(m); return; }
    if (q_tail) q_tail->next = m; else q_head = m;
    q_tail = m;
    q_bytes += m->len;
    pthread_cond_signal(&q_ready);
    pthread_mutex_unlock(&q_lock);
}

/* throttle blocks a producer while the analysis server is far behind. */
static void throttle(void) {
    if (q_bytes <= QUEUE_LIMIT) return;
    pthread_mutex_lock(&q_lock);
    while (q_bytes > QUEUE_LIMIT && !ana_dead && !q_stop) pthread_cond_wait(&q_space, &q_lock);
    pthread_mutex_unlock(&q_lock);
}

static void send_msg(uint8_t kind, const void *payload, size_t n) { enqueue(new_msg(kind, payload, n, NULL, 0)); }

static void analysis_gone(void) {
    pthread_mutex_lock(&q_lock);
    if (!ana_dead) {
        ana_dead = 1;
        warn("the analysis server is gone (%s); the program goes on and its events are dropped", strerror(errno));
    }
    msg *m = q_head;
    q_head = q_tail = NULL;
    q_bytes = 0;
    pthread_cond_broadcast(&q_space);
    pthread_mutex_unlock(&q_lock);
    while (m) { msg *n = m->next; free(m); m = n; }
}

/* write_queue writes everything queued so far; it runs on the sender
 * thread, and at VM death on the thread that reports it. */
static void write_queue(void) {
    pthread_mutex_lock(&q_lock);
    msg *m = q_head;
    q_head = q_tail = NULL;
    q_bytes = 0;
    pthread_cond_broadcast(&q_space);
    pthread_mutex_unlock(&q_lock);
    while (m) {
        msg *n = m->next;
        if (!ana_dead && write_all(ana_fd, m->data, m->len) != 0) analysis_gone();
        free(m);
        m = n;
    }
}

/* ---------------------------------------------------------------- buffers */

typedef struct tbuf {
    pthread_mutex_t lock;
    bytes data;              /* committed events, under lock */
    bytes scratch;           /* the event being marshalled, owner only */
    volatile int composing;  /* between start and end */
    volatile uint64_t seq;   /* events committed */
    int group;               /* the event's group, -1 for the thread buffer */
    uint64_t thread;         /* this thread's id for the analysis */
    struct tbuf *next, *prev;
} tbuf;

typedef struct {
    pthread_mutex_t lock;
    bytes data;
} gbuf;

static __thread tbuf *self;
static pthread_mutex_t threads_lock = PTHREAD_MUTEX_INITIALIZER;
static tbuf *threads;
static uint64_t next_thread = 1;

static pthread_mutex_t groups_lock = PTHREAD_MUTEX_INITIALIZER;
static gbuf **groups;
static size_t ngroups;

static msg *detach(bytes *b, uint8_t kind, const void *head, size_t headLen) {
    if (b->len == 0) return NULL;
    msg *m = new_msg(kind, head, headLen, b->p, b->len);
    b->len = 0;
    return m;
}

static msg *detach_thread(tbuf *t) {
    return detach(&t->data, MSG_THREAD_BUF, &t->thread, 8);
}

static gbuf *group(uint32_t g) {
    pthread_mutex_lock(&groups_lock);
    if (g >= ngroups) {
        size_t n = ngroups ? ngroups : 64;
        while (n <= g) n *= 2;
        gbuf **gs = realloc(groups, n * sizeof *gs);
        if (!gs) { warn("out of memory"); abort(); }
        memset(gs + ngroups, 0, (n - ngroups) * sizeof *gs);
        groups = gs;
        ngroups = n;
    }
    gbuf *b = groups[g];
    if (!b) {
        b = calloc(1, sizeof *b);
        pthread_mutex_init(&b->lock, NULL);
        groups[g] = b;
    }
    pthread_mutex_unlock(&groups_lock);
    return b;
}

static void flush_groups(void) {
    pthread_mutex_lock(&groups_lock);
    size_t n = ngroups;
    pthread_mutex_unlock(&groups_lock);
    for (size_t g = 0; g < n; g++) {
        pthread_mutex_lock(&groups_lock);
        gbuf *b = groups[g];
        pthread_mutex_unlock(&groups_lock);
        if (!b) continue;
        uint32_t id = (uint32_t)g;
        pthread_mutex_lock(&b->lock);
        msg *m = detach(&b->data, MSG_GROUP_BUF, &id, 4);
        if (m) enqueue(m);
        pthread_mutex_unlock(&b->lock);
    }
}

/* flush_all queues every committed event of every thread and group. An
 * event a thread is marshalling right now is waited for (briefly: between
 * start and end only the hook's own loads run), because it may name an
 * object whose death the caller is about to report. */
static void flush_all(void) {
    pthread_mutex_lock(&threads_lock);
    for (tbuf *t = threads; t; t = t->next) {
        if (t != self && t->composing) {
            uint64_t seq = t->seq;
            for (int spins = 0; t->composing && t->seq == seq && spins < 20000; spins++) sched_yield();
        }
        pthread_mutex_lock(&t->lock);
        msg *m = detach_thread(t);
        if (m) enqueue(m);
        pthread_mutex_unlock(&t->lock);
    }
    pthread_mutex_unlock(&threads_lock);
    flush_groups();
}

/* ---------------------------------------------------------------- frees */

static pthread_mutex_t frees_lock = PTHREAD_MUTEX_INITIALIZER;
static bytes frees;

static void JNICALL on_object_free(jvmtiEnv *env, jlong tag) {
    (void)env;
    pthread_mutex_lock(&frees_lock);
    put64(&frees, (uint64_t)tag);
    pthread_mutex_unlock(&frees_lock);
}

/* report_frees takes the deaths known so far, then every event committed
 * before them, then the deaths: no notification about an object follows
 * its death. */
static void report_frees(int force) {
    pthread_mutex_lock(&frees_lock);
    if (frees.len == 0 && !force) { pthread_mutex_unlock(&frees_lock); return; }
    bytes f = frees;
    memset(&frees, 0, sizeof frees);
    pthread_mutex_unlock(&frees_lock);
    flush_all();
    if (f.len) send_msg(MSG_FREE, f.p, f.len);
    free(f.p);
}

/* ---------------------------------------------------------------- sender */

static pthread_t sender;

static void *send_loop(void *arg) {
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&q_lock);
        if (!q_head && !q_stop) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 20 * 1000 * 1000;
            if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
            pthread_cond_timedwait(&q_ready, &q_lock, &ts);
        }
        int stop = q_stop;
        pthread_mutex_unlock(&q_lock);
        if (stop) return NULL;
        write_queue();
        report_frees(0);
    }
}

/* ---------------------------------------------------------------- tagging */

static pthread_mutex_t tag_lock;       /* recursive: a class's loader is tagged while its class is */
static uint64_t next_seq = 1;
static uint32_t next_class = 1;
static uint32_t class_class;           /* the class id of java/lang/Class */

static uint64_t object_tag(JNIEnv *env, jobject o, int *by_field);

static void describe_class(JNIEnv *env, jclass k, uint32_t id) {
    char *sig = NULL;
    jobject loader = NULL;
    uint64_t loaderTag = 0;
    if ((*jvmti)->GetClassSignature(jvmti, k, &sig, NULL) != JVMTI_ERROR_NONE) sig = NULL;
    if ((*jvmti)->GetClassLoader(jvmti, k, &loader) == JVMTI_ERROR_NONE && loader) {
        loaderTag = object_tag(env, loader, NULL);
        (*env)->DeleteLocalRef(env, loader);
    }
    bytes b = {0};
    put32(&b, id);
    put64(&b, loaderTag);
    uint16_t n = sig ? (uint16_t)strlen(sig) : 0;
    put16(&b, n);
    if (n) put(&b, sig, n);
    send_msg(MSG_CLASS, b.p, b.len);
    free(b.p);
    if (sig) (*jvmti)->Deallocate(jvmti, (unsigned char *)sig);
}

static uint32_t class_id(JNIEnv *env, jclass k) {
    jlong t = 0;
    (*jvmti)->GetTag(jvmti, k, &t);
    if (t) return (uint32_t)((uint64_t)t & CLASS_MASK);
    pthread_mutex_lock(&tag_lock);
    (*jvmti)->GetTag(jvmti, k, &t);
    uint32_t id;
    if (t) {
        id = (uint32_t)((uint64_t)t & CLASS_MASK);
    } else {
        id = next_class++;
        (*jvmti)->SetTag(jvmti, k, (jlong)(CLASS_FLAG | id));
        describe_class(env, k, id);
    }
    pthread_mutex_unlock(&tag_lock);
    return id;
}

static void describe_string(JNIEnv *env, jstring s, uint64_t tag) {
    jsize n = (*env)->GetStringUTFLength(env, s);
    const char *c = (*env)->GetStringUTFChars(env, s, NULL);
    if (!c) return;
    bytes b = {0};
    put64(&b, tag);
    put32(&b, (uint32_t)n);
    put(&b, c, (size_t)n);
    (*env)->ReleaseStringUTFChars(env, s, c);
    send_msg(MSG_STRING, b.p, b.len);
    free(b.p);
}

static jclass string_class;

/* ------------------------------------------------------------- id field */

/* With idfield=1 the instrumentation server has injected ID_FIELD into the
 * topmost non-JDK class of every hierarchy. An object of such a class has
 * one identity, stored in that field, whichever path identifies it: the
 * woven code reading the field (sendId) or a hook sending it through a JDK
 * type (sendObject, e.g. ArrayList's code on an application subclass); the
 * tag map serves only classes without the field. */
#define ID_FIELD "$dvmlab$id"
#define ID_CHUNK_BITS 12
#define ID_CHUNKS (1u << (CLASS_BITS - ID_CHUNK_BITS))
#define ID_STRIPES 256

static int idfield;

/* What a class id's class says of ID_FIELD, once per class. */
typedef struct {
    jfieldID fid;  /* the field, set before state */
    int state;     /* 0: not looked up yet, 1: declared (fid), 2: absent */
} idclass;

static idclass *id_chunks[ID_CHUNKS]; /* by class id; chunks never freed */
static pthread_mutex_t id_locks[ID_STRIPES];

static idclass *id_entry(uint32_t cid) {
    idclass **slot = &id_chunks[cid >> ID_CHUNK_BITS];
    idclass *c = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (!c) {
        idclass *fresh = calloc(1u << ID_CHUNK_BITS, sizeof *fresh);
        if (!fresh) return NULL;
        idclass *expected = NULL;
        if (__atomic_compare_exchange_n(slot, &expected, fresh, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) c = fresh;
        else { free(fresh); c = expected; }
    }
    return &c[cid & ((1u << ID_CHUNK_BITS) - 1)];
}

/* declares_id says whether class c itself declares ID_FIELD, by JVMTI
 * (JNI's GetFieldID would throw NoSuchFieldError, running Java code, that
 * is woven code, inside a native that is composing an event). */
static int declares_id(jclass c) {
    jint n = 0;
    jfieldID *fs = NULL;
    if ((*jvmti)->GetClassFields(jvmti, c, &n, &fs) != JVMTI_ERROR_NONE) return 0;
    int found = 0;
    for (jint i = 0; i < n && !found; i++) {
        char *name = NULL, *sig = NULL;
        if ((*jvmti)->GetFieldName(jvmti, c, fs[i], &name, &sig, NULL) != JVMTI_ERROR_NONE) continue;
        found = name && sig && !strcmp(name, ID_FIELD) && !strcmp(sig, "J");
        if (name) (*jvmti)->Deallocate(jvmti, (unsigned char *)name);
        if (sig) (*jvmti)->Deallocate(jvmti, (unsigned char *)sig);
    }
    (*jvmti)->Deallocate(jvmti, (unsigned char *)fs);
    return found;
}

/* id_field_of returns ID_FIELD of class k (class id cid), inherited or
 * declared, or NULL: looked up once per class. Two threads may look one
 * class up at once; both find the same answer. */
static jfieldID id_field_of(JNIEnv *env, jclass k, uint32_t cid) {
    if (!idfield) return NULL;
    idclass *e = id_entry(cid);
    if (!e) return NULL;
    int state = __atomic_load_n(&e->state, __ATOMIC_ACQUIRE);
    if (state) return state == 1 ? e->fid : NULL;
    jfieldID f = NULL;
    jclass c = (*env)->NewLocalRef(env, k);
    while (c && !f) {
        if (declares_id(c)) f = (*env)->GetFieldID(env, c, ID_FIELD, "J");
        jclass up = f ? NULL : (*env)->GetSuperclass(env, c);
        (*env)->DeleteLocalRef(env, c);
        c = up;
    }
    if (c) (*env)->DeleteLocalRef(env, c);
    if ((*env)->ExceptionCheck(env)) { (*env)->ExceptionClear(env); f = NULL; }
    e->fid = f;
    __atomic_store_n(&e->state, f ? 1 : 2, __ATOMIC_RELEASE);
    return f;
}

/* field_id returns the identity stored in o's ID_FIELD f, giving it one if
 * it has none. The woven code reads the field without the agent, and only
 * the agent writes it, so assigning under a lock that every assignment
 * of the object takes makes it atomic: the first thread stores, every
 * other reads what it stored. The lock is striped by class id (an object
 * never changes class), so threads identifying objects of different
 * classes do not wait for each other. */
static uint64_t field_id(JNIEnv *env, jobject o, jfieldID f, uint32_t cid) {
    jlong v = (*env)->GetLongField(env, o, f);
    if (v) return (uint64_t)v;
    pthread_mutex_t *l = &id_locks[cid % ID_STRIPES];
    pthread_mutex_lock(l);
    v = (*env)->GetLongField(env, o, f);
    if (!v) {
        v = (jlong)((__atomic_fetch_add(&next_seq, 1, __ATOMIC_RELAXED) << CLASS_BITS) | cid);
        (*env)->SetLongField(env, o, f, v);
    }
    pthread_mutex_unlock(l);
    return (uint64_t)v;
}

/* object_tag gives o its identity: by its id field if its class has one
 * (*by_field set), else by tag, tagging it on first use only: tagging is
 * slow and fixes the identity hash, so objects no event sends are never
 * tagged. */
static uint64_t object_tag(JNIEnv *env, jobject o, int *by_field) {
    if (!o) return 0;
    jlong t = 0;
    jclass k = NULL;
    uint32_t cid = 0;
    if (idfield) {
        /* The class first: an object of a class with the id field is never
         * tagged, so it has one identity. */
        k = (*env)->GetObjectClass(env, o);
        cid = class_id(env, k);
        jfieldID f = id_field_of(env, k, cid);
        if (f) {
            (*env)->DeleteLocalRef(env, k);
            if (by_field) *by_field = 1;
            return field_id(env, o, f, cid);
        }
    }
    (*jvmti)->GetTag(jvmti, o, &t);
    if (t) {
        if (k) (*env)->DeleteLocalRef(env, k);
        return (uint64_t)t;
    }
    if (!k) {
        k = (*env)->GetObjectClass(env, o);
        cid = class_id(env, k);
    }
    if (!class_class) {
        jclass kk = (*env)->GetObjectClass(env, k);
        class_class = class_id(env, kk);
        (*env)->DeleteLocalRef(env, kk);
    }
    if (cid == class_class) {
        /* a class object: its identity is its class id */
        (*env)->DeleteLocalRef(env, k);
        return CLASS_FLAG | class_id(env, (jclass)o);
    }
    pthread_mutex_lock(&tag_lock);
    (*jvmti)->GetTag(jvmti, o, &t);
    int fresh = 0;
    if (!t) {
        t = (jlong)((__atomic_fetch_add(&next_seq, 1, __ATOMIC_RELAXED) << CLASS_BITS) | cid);
        (*jvmti)->SetTag(jvmti, o, t);
        fresh = 1;
    }
    pthread_mutex_unlock(&tag_lock);
    if (fresh) {
        if (!string_class) {
            jclass s = (*env)->FindClass(env, "java/lang/String");
            if (s) string_class = (*env)->NewGlobalRef(env, s);
        }
        if (string_class && (*env)->IsSameObject(env, k, string_class)) describe_string(env, (jstring)o, (uint64_t)t);
    }
    (*env)->DeleteLocalRef(env, k);
    return (uint64_t)t;
}

/* ---------------------------------------------------------------- threads */

static tbuf *this_thread(void) {
    if (self) return self;
    tbuf *t = calloc(1, sizeof *t);
    pthread_mutex_init(&t->lock, NULL);
    t->group = -1;
    pthread_mutex_lock(&threads_lock);
    t->thread = next_thread++;
    t->next = threads;
    if (threads) threads->prev = t;
    threads = t;
    pthread_mutex_unlock(&threads_lock);
    self = t;

    jvmtiThreadInfo info;
    memset(&info, 0, sizeof info);
    const char *name = "<bootstrap>";
    if (live && (*jvmti)->GetThreadInfo(jvmti, NULL, &info) == JVMTI_ERROR_NONE && info.name) name = info.name;
    bytes b = {0};
    put64(&b, t->thread);
    uint16_t n = (uint16_t)strlen(name);
    put16(&b, n);
    put(&b, name, n);
    send_msg(MSG_THREAD, b.p, b.len);
    free(b.p);
    if (info.name) (*jvmti)->Deallocate(jvmti, (unsigned char *)info.name);
    return t;
}

static void JNICALL on_thread_end(jvmtiEnv *je, JNIEnv *env, jthread thread) {
    (void)je; (void)env; (void)thread;
    tbuf *t = self;
    if (!t || vm_dead) return;
    pthread_mutex_lock(&threads_lock);
    if (t->prev) t->prev->next = t->next; else threads = t->next;
    if (t->next) t->next->prev = t->prev;
    pthread_mutex_unlock(&threads_lock);
    pthread_mutex_lock(&t->lock);
    msg *m = detach_thread(t);
    if (m) enqueue(m);
    pthread_mutex_unlock(&t->lock);
    flush_groups(); /* the thread's grouped events precede its end too */
    send_msg(MSG_THREAD_END, &t->thread, 8);
    self = NULL;
    free(t->data.p);
    free(t->scratch.p);
    pthread_mutex_destroy(&t->lock);
    free(t);
}

/* ---------------------------------------------------------------- natives */

static void begin(jint hook, int group) {
    tbuf *t = this_thread();
    t->scratch.len = 0;
    t->group = group;
    if (group >= 0) put64(&t->scratch, t->thread);
    put32(&t->scratch, (uint32_t)hook);
    t->composing = 1;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* assign_id identifies an object the woven code found without an id in
 * its id field: one its constructor did not identify (allocated by
 * reflection, Unsafe, deserialization or clone's copy of a fresh object),
 * which several threads may now identify at once. */
static uint64_t assign_id(JNIEnv *env, jobject o) {
    if (!o) return 0;
    jclass k = (*env)->GetObjectClass(env, o);
    uint32_t cid = class_id(env, k);
    jfieldID f = id_field_of(env, k, cid);
    (*env)->DeleteLocalRef(env, k);
    if (!f) return object_tag(env, o, NULL); /* cannot be: the class was woven with the field */
    return field_id(env, o, f, cid);
}

#define LIVE() if (vm_dead || ana_dead) { if (vm_dead) __atomic_fetch_add(&dropped, 1, __ATOMIC_RELAXED); return; }
#define SELF() tbuf *t = self; if (!t || !t->composing) return;

static void JNICALL n_start(JNIEnv *env, jclass k, jint hook) { (void)env; (void)k; LIVE(); begin(hook, -1); }
static void JNICALL n_start_group(JNIEnv *env, jclass k, jint hook, jint g) { (void)env; (void)k; LIVE(); begin(hook, g < 0 ? 0 : g); }
/* Each argument is typed on the wire, so one hook can send an int at one
 * site and a long at another (a stack value's type depends on the site). */
static void JNICALL n_object(JNIEnv *env, jclass k, jobject o) {
    (void)k;
    SELF();
    uint64_t t0 = tagtime ? now_ns() : 0;
    int by_field = 0;
    uint64_t tag = object_tag(env, o, &by_field);
    if (tagtime && o) {
        uint64_t *ns = by_field ? &id_ns : &tag_ns, *calls = by_field ? &id_calls : &tag_calls;
        __atomic_fetch_add(ns, now_ns() - t0, __ATOMIC_RELAXED);
        __atomic_fetch_add(calls, 1, __ATOMIC_RELAXED);
    }
    put8(&t->scratch, 'O');
    put64(&t->scratch, tag);
}
static void JNICALL n_id(JNIEnv *env, jclass k, jobject o, jlong id) {
    (void)k;
    SELF();
    uint64_t t0 = tagtime ? now_ns() : 0;
    uint64_t v = id ? (uint64_t)id : assign_id(env, o);
    if (tagtime) { __atomic_fetch_add(&id_ns, now_ns() - t0, __ATOMIC_RELAXED); __atomic_fetch_add(&id_calls, 1, __ATOMIC_RELAXED); }
    put8(&t->scratch, 'O');
    put64(&t->scratch, v);
}
/* n_cloned clears the id Object.clone copied from original into copy (the
 * result of a super.clone() in original's code), before copy can escape. */
static void JNICALL n_cloned(JNIEnv *env, jclass k, jobject copy, jobject original) {
    (void)k;
    if (!idfield || vm_dead || !copy || !original || (*env)->IsSameObject(env, copy, original)) return;
    jclass ck = (*env)->GetObjectClass(env, copy);
    jfieldID f = id_field_of(env, ck, class_id(env, ck));
    (*env)->DeleteLocalRef(env, ck);
    if (!f) return;
    jlong id = (*env)->GetLongField(env, copy, f);
    if (id && id == (*env)->GetLongField(env, original, f)) (*env)->SetLongField(env, copy, f, 0);
}
static void JNICALL n_int(JNIEnv *env, jclass k, jint v) { (void)env; (void)k; SELF(); put8(&t->scratch, 'I'); put32(&t->scratch, (uint32_t)v); }
static void JNICALL n_long(JNIEnv *env, jclass k, jlong v) { (void)env; (void)k; SELF(); put8(&t->scratch, 'J'); put64(&t->scratch, (uint64_t)v); }
static void JNICALL n_float(JNIEnv *env, jclass k, jfloat v) { (void)env; (void)k; SELF(); put8(&t->scratch, 'F'); put(&t->scratch, &v, 4); }
static void JNICALL n_double(JNIEnv *env, jclass k, jdouble v) { (void)env; (void)k; SELF(); put8(&t->scratch, 'D'); put(&t->scratch, &v, 8); }
static void JNICALL n_boolean(JNIEnv *env, jclass k, jboolean v) { (void)env; (void)k; SELF(); put8(&t->scratch, 'Z'); put8(&t->scratch, v ? 1 : 0); }

static void JNICALL n_end(JNIEnv *env, jclass k) {
    (void)env; (void)k;
    SELF();
    put8(&t->scratch, 0);
    if (t->group < 0) {
        pthread_mutex_lock(&t->lock);
        put(&t->data, t->scratch.p, t->scratch.len);
        if (t->data.len >= BUF_FLUSH) {
            msg *m = detach_thread(t);
            if (m) enqueue(m);
        }
        pthread_mutex_unlock(&t->lock);
    } else {
        gbuf *g = group((uint32_t)t->group);
        pthread_mutex_lock(&g->lock);
        put(&g->data, t->scratch.p, t->scratch.len);
        if (g->data.len >= BUF_FLUSH) {
            uint32_t id = (uint32_t)t->group;
            msg *m = detach(&g->data, MSG_GROUP_BUF, &id, 4);
            if (m) enqueue(m);
        }
        pthread_mutex_unlock(&g->lock);
    }
    t->seq++;
    t->composing = 0;
    throttle();
}

static JNINativeMethod natives[] = {
    {"start", "(I)V", (void *)n_start},
    {"startGroup", "(II)V", (void *)n_start_group},
    {"sendObject", "(Ljava/lang/Object;)V", (void *)n_object},
    {"sendInt", "(I)V", (void *)n_int},
    {"sendLong", "(J)V", (void *)n_long},
    {"sendFloat", "(F)V", (void *)n_float},
    {"sendDouble", "(D)V", (void *)n_double},
    {"sendBoolean", "(Z)V", (void *)n_boolean},
    {"sendId", "(Ljava/lang/Object;J)V", (void *)n_id},
    {"cloned", "(Ljava/lang/Object;Ljava/lang/Object;)V", (void *)n_cloned},
    {"end", "()V", (void *)n_end},
};

/* ---------------------------------------------------------------- classes */

static int offer_class(JNIEnv *env, jobject loader, const char *name, jint len, const unsigned char *data,
                       jint *new_len, unsigned char **new_data);

/* n_hidden is the stub's hidden(bytes, lookupClass): the JVM never passes a
 * hidden class to the class-file load hook, so Lookup's hidden-class
 * definers, woven by the instrumentation server, offer its bytes here. */
static jbyteArray JNICALL n_hidden(JNIEnv *env, jclass k, jbyteArray bytes, jclass lookup) {
    (void)k;
    if (!bytes || inst_dead || vm_dead) return bytes;
    jobject loader = NULL;
    if (lookup && (*jvmti)->GetClassLoader(jvmti, lookup, &loader) != JVMTI_ERROR_NONE) loader = NULL;
    jint len = (*env)->GetArrayLength(env, bytes);
    jbyte *data = (*env)->GetByteArrayElements(env, bytes, NULL);
    if (!data) return bytes;
    jint outLen = 0;
    unsigned char *out = NULL;
    offer_class(env, loader, NULL, len, (const unsigned char *)data, &outLen, &out);
    (*env)->ReleaseByteArrayElements(env, bytes, data, JNI_ABORT);
    if (!out) return bytes;
    jbyteArray r = (*env)->NewByteArray(env, outLen);
    if (r) (*env)->SetByteArrayRegion(env, r, 0, outLen, (const jbyte *)out);
    (*jvmti)->Deallocate(jvmti, out);
    return r ? r : bytes;
}

static JNINativeMethod hidden_native[] = {
    {"hidden", "([BLjava/lang/Class;)[B", (void *)n_hidden},
};

static void JNICALL on_class_file_load(jvmtiEnv *je, JNIEnv *env, jclass redefined, jobject loader,
                                       const char *name, jobject pd, jint len, const unsigned char *data,
                                       jint *new_len, unsigned char **new_data) {
    (void)je; (void)redefined; (void)pd;
    if (inst_dead || vm_dead) return;
    if (name && stub_name[0] && strcmp(name, stub_name) == 0) return;
    offer_class(env, loader, name, len, data, new_len, new_data);
}

/* offer_class sends a class to the instrumentation server; *new_data is set
 * (JVMTI-allocated) when the server changed it. Returns 0 on success. */
static int offer_class(JNIEnv *env, jobject loader, const char *name, jint len, const unsigned char *data,
                       jint *new_len, unsigned char **new_data) {
    /* Loaders are named by tag, which needs JNI: in the primordial phase
     * only the boot loader exists anyway. */
    uint64_t loaderTag = 0;
    if (loader && started) loaderTag = object_tag(env, loader, NULL);
    uint16_t n = name ? (uint16_t)strlen(name) : 0;
    bytes req = {0};
    put8(&req, REQ_CLASS);
    put64(&req, loaderTag);
    put16(&req, n);
    if (n) put(&req, name, n);
    put32(&req, (uint32_t)len);
    put(&req, data, (size_t)len);
    pthread_mutex_lock(&inst_lock);
    classes_offered++;
    uint32_t outLen = 0;
    unsigned char *out = NULL;
    int ok = write_all(inst_fd, req.p, req.len) == 0 && read_all(inst_fd, &outLen, 4) == 0;
    if (ok && outLen > 0) {
        if ((*jvmti)->Allocate(jvmti, outLen, &out) != JVMTI_ERROR_NONE) {
            ok = 0;
        } else if (read_all(inst_fd, out, outLen) != 0) {
            (*jvmti)->Deallocate(jvmti, out);
            out = NULL;
            ok = 0;
        }
    }
    if (!ok && !inst_dead) {
        inst_dead = 1;
        warn("the instrumentation server is gone (%s); classes load uninstrumented from now on", strerror(errno));
    }
    pthread_mutex_unlock(&inst_lock);
    free(req.p);
    if (ok && out) {
        *new_len = (jint)outLen;
        *new_data = out;
    }
    return ok ? 0 : -1;
}

/* define_stub defines the stub class in java.base's java/lang package, so
 * every module reads it, before any Java code runs (early VM start); the
 * instrumentation server supplies its bytes. */
static void define_stub(JNIEnv *env) {
    uint8_t r = REQ_STUB;
    uint16_t n = 0;
    uint32_t len = 0;
    unsigned char *data = NULL;
    pthread_mutex_lock(&inst_lock);
    int ok = write_all(inst_fd, &r, 1) == 0 && read_all(inst_fd, &n, 2) == 0 && n < sizeof stub_name &&
             read_all(inst_fd, stub_name, n) == 0;
    if (ok) {
        stub_name[n] = 0;
        ok = read_all(inst_fd, &len, 4) == 0 && (data = malloc(len ? len : 1)) != NULL && read_all(inst_fd, data, len) == 0;
    }
    pthread_mutex_unlock(&inst_lock);
    if (!ok) {
        warn("cannot read the stub class from the instrumentation server");
        inst_dead = 1;
        free(data);
        return;
    }
    jclass k = (*env)->DefineClass(env, stub_name, NULL, (const jbyte *)data, (jsize)len);
    free(data);
    if (!k) {
        (*env)->ExceptionDescribe(env);
        (*env)->ExceptionClear(env);
        warn("cannot define %s", stub_name);
        inst_dead = 1;
        return;
    }
    stub_class = (*env)->NewGlobalRef(env, k);
    if ((*env)->RegisterNatives(env, k, hidden_native, 1) != 0) {
        (*env)->ExceptionDescribe(env);
        (*env)->ExceptionClear(env);
        warn("cannot bind %s.hidden", stub_name);
        inst_dead = 1;
    }
    if (!inprocess && (*env)->RegisterNatives(env, k, natives, sizeof natives / sizeof natives[0]) != 0) {
        (*env)->ExceptionDescribe(env);
        (*env)->ExceptionClear(env);
        warn("cannot bind the natives of %s", stub_name);
        inst_dead = 1;
    }
}

static void JNICALL on_vm_start(jvmtiEnv *je, JNIEnv *env) {
    (void)je;
    define_stub(env);
    started = 1;
}

static void JNICALL on_vm_init(jvmtiEnv *je, JNIEnv *env, jthread thread) {
    (void)je; (void)thread;
    live = 1;
    /* The events before this one are the primordial and start phases'. */
    flush_all();
    send_msg(MSG_VM_INIT, NULL, 0);
    /* An in-process analysis class starts now, after VM init, as an
     * in-process analysis does: it may declare static void vmInit(). */
    if (inprocess && stub_class) {
        jmethodID init = (*env)->GetStaticMethodID(env, stub_class, "vmInit", "()V");
        if (init == NULL) {
            /* Not declared: the lookup's NoSuchMethodError is no error here. */
            (*env)->ExceptionClear(env);
        } else {
            (*env)->CallStaticVoidMethod(env, stub_class, init);
            if ((*env)->ExceptionCheck(env)) { (*env)->ExceptionDescribe(env); (*env)->ExceptionClear(env); }
        }
    }
}

static void JNICALL on_vm_death(jvmtiEnv *je, JNIEnv *env) {
    (void)je;
    if (inprocess && stub_class && !ana_dead) {
        jmethodID dump = (*env)->GetStaticMethodID(env, stub_class, "dump", "()[J");
        jlongArray a = dump ? (jlongArray)(*env)->CallStaticObjectMethod(env, stub_class, dump) : NULL;
        if ((*env)->ExceptionCheck(env)) { (*env)->ExceptionDescribe(env); (*env)->ExceptionClear(env); }
        if (a) {
            jsize n = (*env)->GetArrayLength(env, a);
            jlong *c = (*env)->GetLongArrayElements(env, a, NULL);
            if (c) {
                send_msg(MSG_COUNTS, c, (size_t)n * 8);
                (*env)->ReleaseLongArrayElements(env, a, c, JNI_ABORT);
            }
        }
    }
    /* From here on natives drop their events: VM death is the last thing
     * the analysis hears. Daemon threads may still be running; what they
     * committed before is flushed below with everything else. */
    vm_dead = 1;
    pthread_mutex_lock(&q_lock);
    q_stop = 1;
    pthread_cond_broadcast(&q_ready);
    pthread_cond_broadcast(&q_space);
    pthread_mutex_unlock(&q_lock);
    pthread_join(sender, NULL);
    q_stop = 0;
    report_frees(1);
    uint64_t stats[6] = {__atomic_load_n(&dropped, __ATOMIC_RELAXED), classes_offered,
                         __atomic_load_n(&tag_ns, __ATOMIC_RELAXED), __atomic_load_n(&tag_calls, __ATOMIC_RELAXED),
                         __atomic_load_n(&id_ns, __ATOMIC_RELAXED), __atomic_load_n(&id_calls, __ATOMIC_RELAXED)};
    send_msg(MSG_STATS, stats, sizeof stats);
    send_msg(MSG_DEATH, NULL, 0);
    write_queue();
    if (ana_fd >= 0) {
        shutdown(ana_fd, SHUT_WR);
        char c;
        /* Wait for the server to take everything: it closes when done. */
        struct timeval tv = {10, 0};
        setsockopt(ana_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        while (recv(ana_fd, &c, 1, 0) > 0) {}
    }
}

/* ---------------------------------------------------------------- loading */

static int check(jvmtiError e, const char *what) {
    if (e == JVMTI_ERROR_NONE) return 0;
    warn("%s failed: JVMTI error %d", what, (int)e);
    return -1;
}

JNIEXPORT jint JNICALL Agent_OnLoad(JavaVM *vm, char *options, void *reserved) {
    (void)reserved;
    char inst[160] = "", ana[160] = "";
    char *opts = strdup(options ? options : "");
    for (char *save = NULL, *kv = strtok_r(opts, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq) { warn("bad option %s", kv); free(opts); return JNI_ERR; }
        *eq = 0;
        const char *v = eq + 1;
        if (!strcmp(kv, "inst")) snprintf(inst, sizeof inst, "%s", v);
        else if (!strcmp(kv, "analysis")) snprintf(ana, sizeof ana, "%s", v);
        else if (!strcmp(kv, "early")) early = atoi(v);
        else if (!strcmp(kv, "mode")) inprocess = !strcmp(v, "inprocess");
        else if (!strcmp(kv, "tagtime")) tagtime = atoi(v);
        else if (!strcmp(kv, "idfield")) idfield = atoi(v);
        else { warn("unknown option %s", kv); free(opts); return JNI_ERR; }
    }
    free(opts);
    if (!inst[0] || !ana[0]) { warn("need inst=HOST:PORT and analysis=HOST:PORT"); return JNI_ERR; }
    if ((inst_fd = dial(inst)) < 0) { warn("cannot reach the instrumentation server at %s: %s", inst, strerror(errno)); return JNI_ERR; }
    if ((ana_fd = dial(ana)) < 0) { warn("cannot reach the analysis server at %s: %s", ana, strerror(errno)); return JNI_ERR; }

    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&tag_lock, &ma);
    for (int i = 0; i < ID_STRIPES; i++) pthread_mutex_init(&id_locks[i], NULL);

    if ((*vm)->GetEnv(vm, (void **)&jvmti, JVMTI_VERSION_11) != JNI_OK) { warn("no JVMTI 11"); return JNI_ERR; }
    jvmtiCapabilities caps;
    memset(&caps, 0, sizeof caps);
    caps.can_generate_all_class_hook_events = 1;
    caps.can_generate_early_class_hook_events = early ? 1 : 0;
    caps.can_generate_early_vmstart = early ? 1 : 0;
    caps.can_tag_objects = 1;
    caps.can_generate_object_free_events = 1;
    if (check((*jvmti)->AddCapabilities(jvmti, &caps), "AddCapabilities")) return JNI_ERR;

    jvmtiEventCallbacks cb;
    memset(&cb, 0, sizeof cb);
    cb.ClassFileLoadHook = on_class_file_load;
    cb.VMStart = on_vm_start;
    cb.VMInit = on_vm_init;
    cb.VMDeath = on_vm_death;
    cb.ThreadEnd = on_thread_end;
    cb.ObjectFree = on_object_free;
    if (check((*jvmti)->SetEventCallbacks(jvmti, &cb, sizeof cb), "SetEventCallbacks")) return JNI_ERR;
    jvmtiEvent events[] = {JVMTI_EVENT_CLASS_FILE_LOAD_HOOK, JVMTI_EVENT_VM_START, JVMTI_EVENT_VM_INIT, JVMTI_EVENT_VM_DEATH,
                           JVMTI_EVENT_THREAD_END, JVMTI_EVENT_OBJECT_FREE};
    for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
        if (inprocess && (events[i] == JVMTI_EVENT_THREAD_END || events[i] == JVMTI_EVENT_OBJECT_FREE)) continue;
        if (check((*jvmti)->SetEventNotificationMode(jvmti, JVMTI_ENABLE, events[i], NULL), "SetEventNotificationMode")) return JNI_ERR;
    }
    if (pthread_create(&sender, NULL, send_loop, NULL) != 0) { warn("cannot start the sender thread"); return JNI_ERR; }
    return JNI_OK;
}
