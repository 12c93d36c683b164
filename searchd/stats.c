/*
 * stats.c - request counters and latency percentiles.
 *
 * The last LAT_WINDOW latencies sit in a ring; /stats sorts a copy.  A
 * fixed ring keeps memory flat however long the daemon runs.
 */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "searchd.h"

#define LAT_WINDOW 8192
#define NENDPOINTS 8

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static double lat[LAT_WINDOW];
static size_t lat_n, lat_next;
static unsigned long total;
static unsigned long by_class[6]; /* 1xx..5xx by status / 100 */
static struct {
    const char *name;
    unsigned long count;
} endpoints[NENDPOINTS] = {{"search", 0}, {"suggest", 0}, {"doc", 0},   {"health", 0},
                           {"stats", 0},  {"static", 0},  {"other", 0}, {NULL, 0}};

void sd_stats_record(const char *endpoint, unsigned status, double seconds)
{
    pthread_mutex_lock(&mu);
    total++;
    if (status / 100 < 6)
        by_class[status / 100]++;
    int i;
    for (i = 0; endpoints[i].name && strcmp(endpoints[i].name, endpoint); i++)
        ;
    if (!endpoints[i].name)
        i = 6;
    endpoints[i].count++;
    lat[lat_next] = seconds;
    lat_next = (lat_next + 1) % LAT_WINDOW;
    if (lat_n < LAT_WINDOW)
        lat_n++;
    pthread_mutex_unlock(&mu);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void sd_stats_json(void *obj)
{
    json_t *o = obj;
    static double copy[LAT_WINDOW];
    static pthread_mutex_t copy_mu = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&copy_mu);
    pthread_mutex_lock(&mu);
    size_t n = lat_n;
    memcpy(copy, lat, n * sizeof *copy);
    json_t *req = json_object();
    json_object_set_new(req, "total", json_integer((json_int_t)total));
    json_t *cls = json_object();
    static const char *names[] = {"", "1xx", "2xx", "3xx", "4xx", "5xx"};
    for (int k = 1; k < 6; k++)
        json_object_set_new(cls, names[k], json_integer((json_int_t)by_class[k]));
    json_object_set_new(req, "by_status", cls);
    json_t *ep = json_object();
    for (int k = 0; endpoints[k].name; k++)
        json_object_set_new(ep, endpoints[k].name, json_integer((json_int_t)endpoints[k].count));
    json_object_set_new(req, "by_endpoint", ep);
    pthread_mutex_unlock(&mu);
    json_object_set_new(o, "requests", req);

    qsort(copy, n, sizeof *copy, cmp_double);
    json_t *l = json_object();
    json_object_set_new(l, "window", json_integer((json_int_t)n));
    static const struct {
        const char *k;
        double q;
    } qs[] = {{"p50", 0.50}, {"p90", 0.90}, {"p99", 0.99}, {"max", 1.0}};
    for (size_t k = 0; k < sizeof qs / sizeof *qs; k++) {
        double v = 0;
        if (n) {
            size_t i = (size_t)(qs[k].q * (double)(n - 1) + 0.5);
            v = copy[i] * 1000.0;
        }
        json_object_set_new(l, qs[k].k, json_real(v));
    }
    pthread_mutex_unlock(&copy_mu);
    json_object_set_new(o, "latency_ms", l);
}
