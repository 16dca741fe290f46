// LD_PRELOAD library for wrk with ONE connection: the latency of each request, measured on the
// wire (write of the request -> last read of its answer before the next write), written to
// $FORKWATCH_TIMING_OUT (one number of microseconds per line) when wrk exits.
//
// Why: wrk's own percentiles are corrected for coordinated omission (stats_correct() in its
// main.c): for every request slower than twice the mean interval, it adds the requests that a
// client sending at that interval would have seen stalled behind it. That is the right figure
// for a server's tail under a steady arrival rate, but it is a statement about time (how much
// of it the server spends stalled) rather than about requests; this shim gives the other one.
//
// Built and used by timing-shim.mjs. Only meaningful with -c 1: writes and reads of several
// connections would interleave.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_read)(int, void *, size_t);
static long long *latencies, count, capacity;
static long long started = -1, answered = -1;

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

__attribute__((constructor)) static void init(void) {
  real_write = dlsym(RTLD_NEXT, "write");
  real_read = dlsym(RTLD_NEXT, "read");
  capacity = 1 << 22; // 4M requests: more than wrk -c 1 does in a minute here
  latencies = malloc(capacity * sizeof *latencies);
}

// A request ends when the next one starts (or wrk exits): an answer may come in several reads.
static void close_request(void) {
  if (started >= 0 && answered >= 0 && count < capacity) latencies[count++] = answered - started;
  started = answered = -1;
}

// fds 0-2 are wrk's console; every other write/read of wrk's is on its one socket.
ssize_t write(int fd, const void *buf, size_t n) {
  if (fd > 2) {
    close_request();
    started = now_ns();
  }
  return real_write(fd, buf, n);
}

ssize_t read(int fd, void *buf, size_t n) {
  ssize_t got = real_read(fd, buf, n);
  if (fd > 2 && got > 0 && started >= 0) answered = now_ns();
  return got;
}

__attribute__((destructor)) static void dump(void) {
  close_request();
  const char *path = getenv("FORKWATCH_TIMING_OUT");
  FILE *out = path ? fopen(path, "w") : NULL;
  if (!out) return;
  for (long long i = 0; i < count; i++) fprintf(out, "%lld\n", latencies[i] / 1000);
  fclose(out);
}
