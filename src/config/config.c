/* config.c - the effective parameters of a run: defaults, then a YAML
 * file, then --set overrides in order, then the rules between
 * parameters.
 *
 * In:  a config file path or its text (yaml.c walks it), and
 *      "name=value" overrides from the command line.
 * Out: a momo_config holding the momo_params every other module reads.
 *
 * Each parameter remembers where it was last set (a file line or an
 * override), so a broken cross-parameter rule is reported at the line
 * or the --set that brought one of its parameters in.
 */
#include <string.h>

#include "config/config.h"
#include "core/core.h"

struct momo_config {
    momo_params params;
};

/* Where each parameter was last set: the file's line, or the 1-based
 * index of the --set (which wins, being applied later). 0: default. */
struct origin {
    size_t *line;
    size_t *set;
};

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

int momo_config_parse_set(const char *arg, char *name, size_t name_size,
                          const char **value, momo_err *err)
{
    const char *eq = strchr(arg, '='), *b = arg, *e;

    if (name_size > 0)
        name[0] = '\0';
    *value = NULL;
    if (!eq)
        return momo_err_set(err, MOMO_EINVAL, "--set %.200s: expected "
                            "name=value", arg);
    e = eq;
    while (b < e && is_space(*b))
        b++;
    while (e > b && is_space(e[-1]))
        e--;
    if (e == b)
        return momo_err_set(err, MOMO_EINVAL, "--set %.200s: the parameter "
                            "name is empty", arg);
    if ((size_t)(e - b) >= name_size)
        return momo_err_set(err, MOMO_EINVAL, "--set %.200s: the parameter "
                            "name is longer than %zu bytes", arg,
                            name_size ? name_size - 1 : 0);
    memcpy(name, b, (size_t)(e - b));
    name[e - b] = '\0';
    *value = eq + 1;
    return MOMO_OK;
}

static int apply_sets(momo_params *p, const char *const *sets,
                      size_t n_sets, struct origin *o, momo_err *err)
{
    for (size_t i = 0; i < n_sets; i++) {
        char name[CFG_KEY_MAX];
        const char *value;
        momo_err e = { 0 };
        int rc = momo_config_parse_set(sets[i], name, sizeof(name), &value,
                                       err);

        if (rc != MOMO_OK)
            return rc;
        rc = momo_params_set(p, name, value, &e);
        if (rc != MOMO_OK)
            return momo_err_set(err, rc, "--set %.200s: %s", sets[i],
                                e.msg);
        o->set[cfg_param_index(momo_param_find(name))] = i + 1;
    }
    return MOMO_OK;
}

/* Run the cross-parameter rules; report a failure at the source of the
 * involved parameter set last: its --set, else its line in the file. */
static int validate(const momo_params *p, const char *file,
                    const char *const *sets, const struct origin *o,
                    momo_err *err)
{
    const momo_param_info *who[2];
    size_t best_set = 0, best_line = 0;
    momo_err e = { 0 };
    int rc = cfg_validate(p, who, &e);

    if (rc == MOMO_OK)
        return MOMO_OK;
    for (int k = 0; k < 2; k++) {
        size_t i;

        if (!who[k])
            continue;
        i = cfg_param_index(who[k]);
        if (o->set[i] > best_set)
            best_set = o->set[i];
        if (o->line[i] > best_line)
            best_line = o->line[i];
    }
    if (best_set)
        return momo_err_set(err, rc, "--set %.200s: %s", sets[best_set - 1],
                            e.msg);
    if (best_line)
        return momo_err_set(err, rc, "%s:%zu: %s", file, best_line, e.msg);
    return momo_err_set(err, rc, "%s", e.msg);
}

/* The whole load, on `text` (NULL: no file). */
static int load(const char *text, size_t len, const char *name,
                const char *const *sets, size_t n_sets, momo_config **out,
                momo_err *err)
{
    size_t n = momo_param_count();
    struct origin o = { NULL, NULL };
    momo_config *cfg;
    int rc = MOMO_OK;

    *out = NULL;
    cfg = core_malloc(sizeof(*cfg));
    o.line = core_calloc(n, sizeof(*o.line));
    o.set = core_calloc(n, sizeof(*o.set));
    if (!cfg || !o.line || !o.set) {
        rc = momo_err_set(err, MOMO_ENOMEM, "out of memory");
        goto out;
    }
    momo_params_default(&cfg->params);
    if (text)
        rc = cfg_yaml_apply(text, len, name, &cfg->params, o.line, err);
    if (rc == MOMO_OK)
        rc = apply_sets(&cfg->params, sets, n_sets, &o, err);
    if (rc == MOMO_OK)
        rc = validate(&cfg->params, name, sets, &o, err);
out:
    core_free(o.line);
    core_free(o.set);
    if (rc != MOMO_OK) {
        core_free(cfg);
        return rc;
    }
    *out = cfg;
    return MOMO_OK;
}

int momo_config_load_text(const char *text, size_t len, const char *name,
                          const char *const *sets, size_t n_sets,
                          momo_config **out, momo_err *err)
{
    return load(text ? text : "", text ? len : 0, name ? name : "<config>",
                sets, n_sets, out, err);
}

int momo_config_load(const char *path, const char *const *sets,
                     size_t n_sets, momo_config **out, momo_err *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc;

    *out = NULL;
    if (path) {
        rc = core_read_file(path, CFG_MAX_BYTES, &text, &len, err);
        if (rc != MOMO_OK)
            return rc;
    }
    rc = load(text, len, path, sets, n_sets, out, err);
    core_free(text);
    return rc;
}

void momo_config_free(momo_config *cfg)
{
    core_free(cfg);
}

const momo_params *momo_config_params(const momo_config *cfg)
{
    return &cfg->params;
}
