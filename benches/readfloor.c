// readfloor.c - the C floor of what a first-run report adds to the walk: open, read and close
// every file of a list (the sent files, relative to ROOT), THREADS threads taking runs of 64
// files, each run opening a directory once for the files in it (as ctxsize's reader does).
//
//   cc -O2 -pthread -o readfloor readfloor.c
//   readfloor LIST ROOT THREADS        (LIST: one path per line, e.g. `ctxsize list | grep -v '/$'`)
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RUN 64
#define BUF (1 << 20)

static char **paths;
static size_t n;
static int rootfd;
static atomic_size_t next;

static void *work(void *arg) {
  (void)arg;
  char *buf = malloc(BUF);
  long total = 0;
  for (;;) {
    size_t i = atomic_fetch_add(&next, RUN);
    if (i >= n) break;
    size_t e = i + RUN < n ? i + RUN : n;
    char cur[4096] = "";
    int dfd = -1;
    for (size_t k = i; k < e; k++) {
      const char *p = paths[k], *slash = strrchr(p, '/'), *name = p;
      int at = rootfd;
      if (slash) {
        size_t len = (size_t)(slash - p);
        if (len >= sizeof cur) continue;
        if (strncmp(cur, p, len) != 0 || cur[len] != 0) {
          if (dfd >= 0) close(dfd);
          memcpy(cur, p, len);
          cur[len] = 0;
          dfd = openat(rootfd, cur, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        }
        if (dfd < 0) continue;
        at = dfd;
        name = slash + 1;
      }
      int fd = openat(at, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
      if (fd < 0) continue;
      ssize_t r;
      while ((r = read(fd, buf, BUF)) > 0) total += r;
      close(fd);
    }
    if (dfd >= 0) close(dfd);
  }
  free(buf);
  return (void *)total;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: readfloor LIST ROOT THREADS\n");
    return 2;
  }
  FILE *f = fopen(argv[1], "r");
  rootfd = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int threads = atoi(argv[3]);
  if (!f || rootfd < 0 || threads < 1 || threads > 64) {
    fprintf(stderr, "readfloor: bad arguments\n");
    return 2;
  }
  size_t cap = 1 << 16;
  paths = malloc(cap * sizeof *paths);
  char line[8192];
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    if (n == cap) paths = realloc(paths, (cap *= 2) * sizeof *paths);
    paths[n++] = strdup(line);
  }
  pthread_t th[64];
  for (int t = 0; t < threads; t++) pthread_create(&th[t], 0, work, 0);
  long total = 0;
  for (int t = 0; t < threads; t++) {
    void *r;
    pthread_join(th[t], &r);
    total += (long)r;
  }
  printf("%zu files, %ld bytes\n", n, total);
  return 0;
}
