#ifndef TEND_CEDITLINE_SHIM_H
#define TEND_CEDITLINE_SHIM_H

// libedit's own header; GNU readline's headers are deliberately not used.
#include <histedit.h>
#include <locale.h>
#include <stdio.h>
#include <signal.h>
#include <unistd.h>

// el_set and history are variadic, and Swift cannot call C variadic functions.
// Each wrapper below fixes one argument list so that Swift can call it.

/// el_init on the process's standard streams. C's stdin, stdout and stderr are mutable globals
/// to Swift 6, which refuses to read them outside an actor; libedit takes them here instead.
/// With standard output sent elsewhere (`tend | tee session.log`), the prompt, the line being
/// typed and the questions asked go to the terminal: by standard error when it is one, as
/// Python's do, else (`tend 2>&1 | tee log`) by /dev/tty. Sent to a file or pipe they were never
/// seen, and a question took the next statement as its answer.
static inline EditLine *tend_el_init_standard(const char *prog) {
    FILE *out = stdout;
    if (!isatty(fileno(stdout))) {
        if (isatty(fileno(stderr))) {
            out = stderr;
        } else {
            FILE *tty = fopen("/dev/tty", "w");
            if (tty != NULL) out = tty;
        }
    }
    return el_init(prog, stdin, out, stderr);
}

/// el_set(e, EL_PROMPT, fn): the prompt is a callback that returns the text.
static inline int tend_el_set_prompt(EditLine *e, char *(*fn)(EditLine *)) {
    return el_set(e, EL_PROMPT, fn);
}

/// el_set(e, EL_EDITOR, "emacs"): emacs key bindings.
static inline int tend_el_set_editor(EditLine *e, const char *mode) {
    return el_set(e, EL_EDITOR, mode);
}

/// el_set(e, EL_HIST, history, h): connect the history so arrows and Ctrl-R work.
static inline int tend_el_set_hist(EditLine *e, History *h) {
    return el_set(e, EL_HIST, history, h);
}

/// el_set(e, EL_SIGNAL, 1): let libedit restore the terminal on signals and follow resizes.
static inline int tend_el_set_signal(EditLine *e, int on) {
    return el_set(e, EL_SIGNAL, on);
}

/// el_set(e, EL_ADDFN, name, help, fn): register a named editor function (completion).
static inline int tend_el_set_addfn(EditLine *e, const char *name, const char *help,
                                    unsigned char (*fn)(EditLine *, int)) {
    return el_set(e, EL_ADDFN, name, help, fn);
}

/// el_set(e, EL_BIND, key, fn, NULL): bind a key sequence to a named function.
static inline int tend_el_set_bind(EditLine *e, const char *key, const char *fn) {
    return el_set(e, EL_BIND, key, fn, NULL);
}

/// el_set(e, EL_CLIENTDATA, data): a pointer back to the Swift reader.
static inline int tend_el_set_clientdata(EditLine *e, void *data) {
    return el_set(e, EL_CLIENTDATA, data);
}

/// el_get(e, EL_CLIENTDATA, &data).
static inline void *tend_el_get_clientdata(EditLine *e) {
    void *data = NULL;
    el_get(e, EL_CLIENTDATA, &data);
    return data;
}

/// history(h, ev, H_SETSIZE, n).
static inline int tend_history_setsize(History *h, HistEvent *ev, int n) {
    return history(h, ev, H_SETSIZE, n);
}

/// history(h, ev, H_SETUNIQUE, 1): drop consecutive duplicates.
static inline int tend_history_setunique(History *h, HistEvent *ev, int on) {
    return history(h, ev, H_SETUNIQUE, on);
}

/// history(h, ev, H_ENTER, line).
static inline int tend_history_enter(History *h, HistEvent *ev, const char *line) {
    return history(h, ev, H_ENTER, line);
}

/// history(h, ev, H_LOAD, path).
static inline int tend_history_load(History *h, HistEvent *ev, const char *path) {
    return history(h, ev, H_LOAD, path);
}

/// history(h, ev, H_SAVE, path).
static inline int tend_history_save(History *h, HistEvent *ev, const char *path) {
    return history(h, ev, H_SAVE, path);
}

#endif
