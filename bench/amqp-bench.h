/*
 * What the C bench tools share: connecting with rabbitmq-c from an AMQP URL, checking
 * replies, the monotonic clock. Header-only so the harness compiles each tool with one gcc
 * call: gcc -O2 -o raw-consumer bench/raw-consumer.c -lrabbitmq
 */
#ifndef SHOP_AMQP_BENCH_H
#define SHOP_AMQP_BENCH_H

#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Prints "<tool>: <message>" on stderr and exits with status 1. */
__attribute__((noreturn, format(printf, 2, 3))) static void bench_die(const char *tool, const char *format, ...) {
  va_list args;
  va_start(args, format);
  fprintf(stderr, "%s: ", tool);
  vfprintf(stderr, format, args);
  fputc('\n', stderr);
  va_end(args);
  exit(1);
}

/* Dies with the reply's reason unless it is normal. */
static void bench_check_reply(const char *tool, amqp_rpc_reply_t reply, const char *what) {
  switch (reply.reply_type) {
  case AMQP_RESPONSE_NORMAL:
    return;
  case AMQP_RESPONSE_LIBRARY_EXCEPTION:
    bench_die(tool, "%s: %s", what, amqp_error_string2(reply.library_error));
  case AMQP_RESPONSE_SERVER_EXCEPTION:
    if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
      amqp_channel_close_t *close = reply.reply.decoded;
      bench_die(tool, "%s: channel closed by the broker: %u %.*s", what, close->reply_code,
                (int)close->reply_text.len, (char *)close->reply_text.bytes);
    }
    if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
      amqp_connection_close_t *close = reply.reply.decoded;
      bench_die(tool, "%s: connection closed by the broker: %u %.*s", what, close->reply_code,
                (int)close->reply_text.len, (char *)close->reply_text.bytes);
    }
    bench_die(tool, "%s: unexpected method %s", what, amqp_method_name(reply.reply.id));
  default:
    bench_die(tool, "%s: no reply", what);
  }
}

/* Connects to `url` (amqp://user:password@host:port/vhost), logs in (heartbeats off: the
 * tools run for seconds) and opens channel 1. */
static amqp_connection_state_t bench_connect(const char *tool, const char *url) {
  struct amqp_connection_info info;
  char *copy = strdup(url);
  amqp_default_connection_info(&info);
  if (amqp_parse_url(copy, &info) != AMQP_STATUS_OK) bench_die(tool, "not an AMQP URL: %s", url);
  /* amqp_parse_url leaves "%2F" encoded for the default vhost. */
  const char *vhost = strcmp(info.vhost, "%2F") == 0 || strcmp(info.vhost, "%2f") == 0 ? "/" : info.vhost;

  amqp_connection_state_t state = amqp_new_connection();
  amqp_socket_t *socket = amqp_tcp_socket_new(state);
  if (socket == NULL) bench_die(tool, "cannot allocate a socket");
  int status = amqp_socket_open(socket, info.host, info.port);
  if (status != AMQP_STATUS_OK) bench_die(tool, "cannot connect to %s:%d: %s", info.host, info.port, amqp_error_string2(status));
  bench_check_reply(tool, amqp_login(state, vhost, 0, 131072, 0, AMQP_SASL_METHOD_PLAIN, info.user, info.password), "login");
  amqp_channel_open(state, 1);
  bench_check_reply(tool, amqp_get_rpc_reply(state), "channel.open");
  free(copy);
  return state;
}

/* Closes channel 1 and the connection, dying if the broker reports a problem: a clean
 * channel.close-ok also proves the broker processed every method sent before it. */
static void bench_close(const char *tool, amqp_connection_state_t state) {
  bench_check_reply(tool, amqp_channel_close(state, 1, AMQP_REPLY_SUCCESS), "channel.close");
  bench_check_reply(tool, amqp_connection_close(state, AMQP_REPLY_SUCCESS), "connection.close");
  amqp_destroy_connection(state);
}

/* Ready messages and consumers of `queue` (a passive declare); dies if it does not exist. */
__attribute__((unused)) static amqp_queue_declare_ok_t bench_queue_state(const char *tool, amqp_connection_state_t state,
                                                                         const char *queue) {
  amqp_queue_declare_ok_t *ok =
      amqp_queue_declare(state, 1, amqp_cstring_bytes(queue), 1, 0, 0, 0, amqp_empty_table);
  bench_check_reply(tool, amqp_get_rpc_reply(state), "queue.declare (passive)");
  return *ok;
}

/* Seconds on the monotonic clock. */
static double bench_now(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

#endif
