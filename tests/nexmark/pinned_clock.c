// An LD_PRELOAD library that freezes the wall clock for the differential Nexmark
// test. Like the nexmark/nexmark generator it reproduces, the nexmark connector
// stamps event i with (wall clock when the table source is created) + i times
// the inter-event delay, so two runs of the same script see different event
// times, different window boundaries and different days. With
// PINNED_REALTIME_MILLIS=<epoch ms> in the environment, CLOCK_REALTIME (and its
// coarse variant) reads that instant for the whole process, and the two runs
// generate identical events. Without the variable every call passes through.
//
// Only the wall clock is frozen: steady clocks, which time pauses and
// timeouts, keep running. Processing time (taken from the wall clock) stands
// still, so processing-time timers fire only at the end of the input; the test
// runs no processing-time query under the pin. Thread-safe: the settings are
// read once, before main().
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

typedef int (*ClockGettime)(clockid_t, struct timespec*);

static ClockGettime real_clock_gettime;
static int pinned;
static long long pinned_millis;

__attribute__((constructor)) static void ReadPinnedInstant(void) {
  real_clock_gettime = (ClockGettime)dlsym(RTLD_NEXT, "clock_gettime");
  const char* text = getenv("PINNED_REALTIME_MILLIS");
  if (text != NULL && *text != '\0') {
    pinned = 1;
    pinned_millis = atoll(text);
  }
}

int clock_gettime(clockid_t clock, struct timespec* now) {
  if (pinned && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE)) {
    now->tv_sec = (time_t)(pinned_millis / 1000);
    now->tv_nsec = (long)(pinned_millis % 1000) * 1000000L;
    return 0;
  }
  // Another library's constructor may read a clock before ours has run.
  if (real_clock_gettime == NULL) {
    real_clock_gettime = (ClockGettime)dlsym(RTLD_NEXT, "clock_gettime");
  }
  return real_clock_gettime(clock, now);
}
