/* What two cores of this machine give together, for three kinds of work, without Cajal:
 *   alu   a chain of integer multiply-adds in registers (touches no memory);
 *   l2    a random pointer chase over 1 MiB (fits in one core's L2);
 *   dram  a random pointer chase over 256 MiB (misses every cache).
 * Usage: core_scaling KIND SECONDS_HINT. Prints the work done per second by this process.
 * bench/core_scaling.sh runs it alone and as two processes at once and prints the speed-up: the
 * ceiling for any program on this machine whose work is of that kind (see README, fuzz --jobs). */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static uint64_t next_random(uint64_t* s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* A single random cycle through n slots (Sattolo's algorithm), so the chase visits them all. */
static size_t* cycle(size_t n) {
  size_t* next = malloc(n * sizeof *next);
  if (!next) return NULL;
  for (size_t i = 0; i < n; ++i) next[i] = i;
  uint64_t s = 1;
  for (size_t i = n - 1; i > 0; --i) {
    size_t j = (size_t)(next_random(&s) % i);
    size_t t = next[i];
    next[i] = next[j];
    next[j] = t;
  }
  return next;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: core_scaling alu|l2|dram SECONDS\n");
    return 2;
  }
  const double seconds = atof(argv[2]);
  const char* kind = argv[1];
  size_t n = strcmp(kind, "l2") == 0 ? (1u << 20) / sizeof(size_t) : strcmp(kind, "dram") == 0 ? (256u << 20) / sizeof(size_t) : 0;
  if (n == 0 && strcmp(kind, "alu") != 0) {
    fprintf(stderr, "core_scaling: unknown kind %s\n", kind);
    return 2;
  }
  size_t* next = n ? cycle(n) : NULL;
  if (n && !next) {
    fprintf(stderr, "core_scaling: out of memory\n");
    return 2;
  }
  volatile uint64_t sink = 0;
  uint64_t work = 0, x = 1;
  size_t p = 0;
  const double start = now();
  double elapsed = 0;
  do {
    for (int k = 0; k < (1 << 20); ++k) {
      if (next)
        p = next[p];
      else
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    }
    work += 1 << 20;
    elapsed = now() - start;
  } while (elapsed < seconds);
  sink = x + p;
  (void)sink;
  printf("%.0f\n", (double)work / elapsed);
  free(next);
  return 0;
}
