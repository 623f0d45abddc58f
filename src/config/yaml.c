/* yaml.c - a YAML config file, applied to momo_params.
 *
 * In:  the text of a config file (config.c reads it, at most
 *      CFG_MAX_BYTES).
 * Out: every parameter it names, set through momo_params_set so that
 *      types and bounds are checked by the registry alone, and the line
 *      that set each one.
 *
 * The text is parsed twice. The first pass checks it as YAML only:
 * syntax, nesting depth (at most CFG_MAX_DEPTH), no aliases, at most one
 * document. The second interprets it: libyaml's events drive a small
 * stack of frames, one per open map or list. A map's keys extend its
 * dotted prefix, so nested maps (`signals: {entry: {rsi_min: 50}}`) and
 * flat dotted keys (`signals.entry.rsi_min: 50`) reach the same name, at
 * any level. A key is judged against the registry as soon as its value
 * starts: an unknown or misplaced name stops the walk at once. Nothing
 * grows with the input: the stack is at most CFG_MAX_DEPTH frames, a map
 * remembers only the sections it opened (a repeat is an error, so at
 * most the registry's sections) and a list at most its parameter's
 * count of values.
 *
 * Not accepted: aliases (no expansion, so no "billion laughs"), keys
 * that are maps or lists, and more than one document.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "config/config.h"
#include "core/core.h"

enum { F_MAP, F_SEQ };

#define ITEM_MAX  64      /* longest text of one list value */
#define LIST_MAX  1200    /* "[a, b, ...]" of at most 16 such values */

struct seen {             /* a section key of one map */
    char name[CFG_KEY_MAX];
    size_t line;
};

struct frame {
    int kind;                   /* F_MAP or F_SEQ */
    char path[CFG_KEY_MAX];     /* map: dotted prefix, "" at the top */
    /* map: a key waiting for its value, by its full dotted name */
    int have_key;
    char key[CFG_KEY_MAX];
    size_t key_line;
    struct seen *seen;          /* map: sections it opened */
    size_t n_seen, cap_seen;
    /* list: the parameter, its line and its values so far */
    const momo_param_info *pi;
    size_t line;
    int n_items;
    char text[LIST_MAX];
    size_t text_len;
};

struct walk {
    const char *file;
    momo_params *p;
    size_t *line;               /* per parameter: line that set it */
    struct frame *st;           /* CFG_MAX_DEPTH frames */
    int depth;                  /* frames in use */
    int level;                  /* first pass: open maps and lists */
    int n_docs;
    momo_err *err;
};

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int fail(struct walk *w, size_t line, int code, const char *fmt, ...)
{
    char msg[sizeof(((momo_err *)0)->msg)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return momo_err_set(w->err, code, "%s:%zu: %s", w->file, line, msg);
}

static const char *kind_name(int kind)
{
    return kind == F_MAP ? "map" : "list";
}

static int is_list(const momo_param_info *pi)
{
    return pi->type == MOMO_PARAM_DOUBLE_LIST ||
           pi->type == MOMO_PARAM_INT_LIST;
}

static int unknown_param(struct walk *w, const char *name, size_t line)
{
    const char *near = momo_param_suggest(name);

    if (near)
        return fail(w, line, MOMO_ENOTFOUND,
                    "unknown parameter '%s' (did you mean '%s'?)", name,
                    near);
    return fail(w, line, MOMO_ENOTFOUND,
                "unknown parameter '%s' (see 'momo config schema')", name);
}

static int unknown_section(struct walk *w, const char *name, size_t line)
{
    char buf[CFG_KEY_MAX];
    const char *near = cfg_suggest_section(name, buf, sizeof(buf));

    if (near)
        return fail(w, line, MOMO_ENOTFOUND,
                    "unknown section '%s' (did you mean '%s'?)", name, near);
    return fail(w, line, MOMO_ENOTFOUND,
                "unknown section '%s' (see 'momo config schema')", name);
}

static int given_twice(struct walk *w, const char *name, size_t first,
                       size_t again)
{
    return fail(w, again, MOMO_EFORMAT, "%s: given twice (lines %zu and "
                "%zu)", name, first, again);
}

/* Remember that map `m` opened section `name` at `line`; a second
 * opening in the same map is a repeated key. */
static int note_section(struct walk *w, struct frame *m, const char *name,
                        size_t line)
{
    for (size_t i = 0; i < m->n_seen; i++)
        if (strcmp(m->seen[i].name, name) == 0)
            return given_twice(w, name, m->seen[i].line, line);
    if (core_grow((void **)&m->seen, &m->cap_seen, m->n_seen + 1,
                  sizeof(*m->seen), 0) != MOMO_OK)
        return momo_err_set(w->err, MOMO_ENOMEM, "%s: out of memory",
                            w->file);
    snprintf(m->seen[m->n_seen].name, CFG_KEY_MAX, "%s", name);
    m->seen[m->n_seen].line = line;
    m->n_seen++;
    return MOMO_OK;
}

static struct frame *push(struct walk *w, int kind)
{
    struct frame *f = &w->st[w->depth++];

    memset(f, 0, sizeof(*f));
    f->kind = kind;
    return f;
}

static void pop(struct walk *w)
{
    struct frame *f = &w->st[--w->depth];

    core_free(f->seen);
    f->seen = NULL;
}

/*---- Scalars: keys, values, list items ----*/

static int is_null(const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;

    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
           strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static int on_key(struct walk *w, struct frame *m, const char *k, size_t n,
                  size_t line)
{
    size_t plen = strlen(m->path);

    if (n == 0)
        return fail(w, line, MOMO_EFORMAT, "empty key");
    if (plen + 1 + n >= CFG_KEY_MAX)
        return fail(w, line, MOMO_EFORMAT, "key '%.40s...' is too long "
                    "(at most %d bytes with its sections)", k,
                    CFG_KEY_MAX - 1);
    memcpy(m->key, m->path, plen);
    if (plen)
        m->key[plen++] = '.';
    memcpy(m->key + plen, k, n);
    m->key[plen + n] = '\0';
    m->have_key = 1;
    m->key_line = line;
    return MOMO_OK;
}

static int on_value(struct walk *w, struct frame *m, const char *v,
                    int null)
{
    const momo_param_info *pi = momo_param_find(m->key);
    size_t line = m->key_line, idx;
    momo_err e = { 0 };
    int rc;

    m->have_key = 0;
    if (!pi) {
        if (!cfg_is_section(m->key))
            return unknown_param(w, m->key, line);
        rc = note_section(w, m, m->key, line);
        if (rc != MOMO_OK || null)      /* "signals:" alone: empty */
            return rc;
        return fail(w, line, MOMO_EFORMAT, "%s: expected a map of "
                    "parameters, got '%.40s'", m->key, v);
    }
    idx = cfg_param_index(pi);
    if (w->line[idx])
        return given_twice(w, m->key, w->line[idx], line);
    if (null)
        return fail(w, line, MOMO_EINVAL, "%s: no value", m->key);
    rc = momo_params_set(w->p, m->key, v, &e);
    if (rc != MOMO_OK)
        return fail(w, line, rc, "%s", e.msg);
    w->line[idx] = line;
    return MOMO_OK;
}

static int on_item(struct walk *w, struct frame *l, const char *v, size_t n,
                   int null)
{
    const char *what = l->pi->type == MOMO_PARAM_INT_LIST ? "an integer"
                                                         : "a number";
    int w_len;

    if (null)
        return fail(w, l->line, MOMO_EINVAL, "%s: empty value in the list",
                    l->pi->name);
    if (l->n_items == l->pi->count)
        return fail(w, l->line, MOMO_EINVAL, "%s: more than %d values",
                    l->pi->name, l->pi->count);
    /* one value per item: a comma or bracket would make the joined text
     * read as more values than were written */
    if (n > ITEM_MAX || strpbrk(v, ",[]"))
        return fail(w, l->line, MOMO_EINVAL, "%s: '%.40s' is not %s",
                    l->pi->name, v, what);
    w_len = snprintf(l->text + l->text_len, sizeof(l->text) - l->text_len,
                     "%s%s", l->n_items ? ", " : "[", v);
    MOMO_ASSERT(w_len > 0 && l->text_len + (size_t)w_len < sizeof(l->text));
    l->text_len += (size_t)w_len;
    l->n_items++;
    return MOMO_OK;
}

static int on_scalar(struct walk *w, struct frame *top,
                     const yaml_event_t *ev, size_t line)
{
    const char *v = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    int null = is_null(ev);

    if (strlen(v) != n)
        return fail(w, line, MOMO_EFORMAT, "a key or value holds a NUL "
                    "byte");
    if (!top) {
        if (null)                       /* a document of nothing */
            return MOMO_OK;
        return fail(w, line, MOMO_EFORMAT, "the top level must be a map "
                    "of parameters, got '%.40s'", v);
    }
    if (top->kind == F_SEQ)
        return on_item(w, top, v, n, null);
    if (!top->have_key)
        return on_key(w, top, v, n, line);
    return on_value(w, top, v, null);
}

/*---- Maps and lists ----*/

static int on_open(struct walk *w, struct frame *top, int kind, size_t line)
{
    const momo_param_info *pi;
    struct frame *f;
    size_t idx;
    int rc;

    /* the first pass bounded the nesting, and frames never outnumber
     * open maps and lists */
    MOMO_ASSERT(w->depth < CFG_MAX_DEPTH);
    if (!top) {
        if (kind == F_SEQ)
            return fail(w, line, MOMO_EFORMAT, "the top level must be a "
                        "map of parameters, got a list");
        push(w, F_MAP);
        return MOMO_OK;
    }
    if (top->kind == F_SEQ)
        return fail(w, top->line, MOMO_EINVAL, "%s: expected %s, got a %s",
                    top->pi->name, top->pi->type == MOMO_PARAM_INT_LIST
                    ? "an integer" : "a number", kind_name(kind));
    if (!top->have_key)
        return fail(w, line, MOMO_EFORMAT, "a key must be a name, not a %s",
                    kind_name(kind));
    top->have_key = 0;
    line = top->key_line;
    pi = momo_param_find(top->key);
    if (!pi) {
        if (!cfg_is_section(top->key))
            return kind == F_MAP ? unknown_section(w, top->key, line)
                                 : unknown_param(w, top->key, line);
        if (kind == F_SEQ)
            return fail(w, line, MOMO_EFORMAT, "%s: expected a map of "
                        "parameters, got a list", top->key);
        rc = note_section(w, top, top->key, line);
        if (rc != MOMO_OK)
            return rc;
        f = push(w, F_MAP);
        memcpy(f->path, top->key, sizeof(f->path));
        return MOMO_OK;
    }
    idx = cfg_param_index(pi);
    if (w->line[idx])
        return given_twice(w, pi->name, w->line[idx], line);
    if (kind == F_MAP)
        return fail(w, line, MOMO_EFORMAT, "%s: expected a value, got a map",
                    pi->name);
    if (!is_list(pi))
        return fail(w, line, MOMO_EFORMAT, "%s: expected a single value, "
                    "got a list", pi->name);
    f = push(w, F_SEQ);
    f->pi = pi;
    f->line = line;
    return MOMO_OK;
}

static int on_close(struct walk *w, struct frame *top)
{
    struct frame *l = top;
    momo_err e = { 0 };
    int rc;

    MOMO_ASSERT(top);
    if (l->kind == F_MAP) {
        pop(w);
        return MOMO_OK;
    }
    if (l->n_items == 0)
        return fail(w, l->line, MOMO_EINVAL, "%s: empty list, expected %d "
                    "values", l->pi->name, l->pi->count);
    snprintf(l->text + l->text_len, sizeof(l->text) - l->text_len, "]");
    rc = momo_params_set(w->p, l->pi->name, l->text, &e);
    if (rc != MOMO_OK)
        return fail(w, l->line, rc, "%s", e.msg);
    w->line[cfg_param_index(l->pi)] = l->line;
    pop(w);
    return MOMO_OK;
}

/* First pass: YAML that is well formed, shallow, one document and free
 * of aliases. */
static int check_event(struct walk *w, const yaml_event_t *ev)
{
    size_t line = ev->start_mark.line + 1;

    switch (ev->type) {
    case YAML_DOCUMENT_START_EVENT:
        if (w->n_docs++ > 0)
            return fail(w, line, MOMO_EFORMAT, "more than one YAML "
                        "document (a config is one map)");
        return MOMO_OK;
    case YAML_ALIAS_EVENT:
        return fail(w, line, MOMO_EFORMAT, "aliases (*%.40s) are not "
                    "supported", (const char *)ev->data.alias.anchor);
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT:
        if (w->level == CFG_MAX_DEPTH)
            return fail(w, line, MOMO_EFORMAT, "nesting deeper than %d "
                        "levels", CFG_MAX_DEPTH);
        w->level++;
        return MOMO_OK;
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
        w->level--;
        return MOMO_OK;
    default:
        return MOMO_OK;
    }
}

/* Second pass: the parameters. */
static int on_event(struct walk *w, const yaml_event_t *ev)
{
    size_t line = ev->start_mark.line + 1;
    struct frame *top = w->depth ? &w->st[w->depth - 1] : NULL;

    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return on_scalar(w, top, ev, line);
    case YAML_MAPPING_START_EVENT:
        return on_open(w, top, F_MAP, line);
    case YAML_SEQUENCE_START_EVENT:
        return on_open(w, top, F_SEQ, line);
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
        return on_close(w, top);
    default:
        return MOMO_OK;
    }
}

static int syntax_error(struct walk *w, const yaml_parser_t *y)
{
    size_t line;

    if (y->error == YAML_MEMORY_ERROR)
        return momo_err_set(w->err, MOMO_ENOMEM, "%s: out of memory",
                            w->file);
    /* reader errors (bad encoding, control characters) carry an offset,
     * not a mark: the parser's position is the nearest line */
    line = (y->error == YAML_READER_ERROR ? y->mark.line
                                          : y->problem_mark.line) + 1;
    if (y->context)
        return fail(w, line, MOMO_EFORMAT, "syntax error: %s (%s)",
                    y->problem ? y->problem : "malformed YAML", y->context);
    return fail(w, line, MOMO_EFORMAT, "syntax error: %s",
                y->problem ? y->problem : "malformed YAML");
}

/* Feed every event of `text` to `fn`, stopping at the first error. */
static int run(struct walk *w, const char *text, size_t len,
               int (*fn)(struct walk *, const yaml_event_t *))
{
    yaml_parser_t y;
    yaml_event_t ev;
    int rc = MOMO_OK, done = 0;

    if (!yaml_parser_initialize(&y))
        return momo_err_set(w->err, MOMO_ENOMEM, "%s: out of memory",
                            w->file);
    yaml_parser_set_input_string(&y, (const unsigned char *)text, len);
    while (rc == MOMO_OK && !done) {
        if (!yaml_parser_parse(&y, &ev)) {
            rc = syntax_error(w, &y);
            break;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        rc = fn(w, &ev);
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&y);
    return rc;
}

int cfg_yaml_apply(const char *text, size_t len, const char *name,
                   momo_params *p, size_t *line, momo_err *err)
{
    struct walk w = { 0 };
    int rc;

    if (len > CFG_MAX_BYTES)
        return momo_err_set(err, MOMO_EFORMAT, "%s: larger than the limit "
                            "of %zu bytes", name, CFG_MAX_BYTES);
    if (!text)
        text = "";
    w.file = name;
    w.p = p;
    w.line = line;
    w.err = err;
    rc = run(&w, text, len, check_event);
    if (rc != MOMO_OK)
        return rc;
    w.st = core_calloc(CFG_MAX_DEPTH, sizeof(*w.st));
    if (!w.st)
        return momo_err_set(err, MOMO_ENOMEM, "%s: out of memory", name);
    rc = run(&w, text, len, on_event);
    while (w.depth > 0)
        pop(&w);
    core_free(w.st);
    return rc;
}
