/*
 * Fills a queue for the benchmarks: persistent JSON messages through the default exchange,
 * mandatory, with publisher confirms (up to WINDOW unconfirmed at a time), so that when it
 * exits every message is in the queue. Properties as the shop's MessagePublisher sets them:
 * message_id, correlation_id, type, timestamp, content_type, delivery_mode 2.
 *
 *   raw-publisher [--expect-empty|--expect-idle] AMQP_URL QUEUE TYPE COUNT
 *       COUNT messages {"n":<i>}, message_id TYPE:<i> (COUNT 0 with a check: only the check)
 *   raw-publisher [--expect-empty|--expect-idle] AMQP_URL QUEUE TYPE -
 *       one message per stdin line "<id>\t<json body>", message_id TYPE:<id>, correlation_id <id>
 *
 * --expect-empty fails (before publishing) unless QUEUE has no ready message: the check that
 * the previous round left nothing behind when consumers are already waiting (the checkout
 * pipeline). --expect-idle also wants no consumer (waiting up to 10 s for one that is
 * leaving): then not even unacknowledged deliveries were left behind (those are back in the
 * queue once their consumer is gone). Prints one JSON line with the count and the time.
 */
#include "amqp-bench.h"

static const char *tool = "raw-publisher";
enum { WINDOW = 1000 };

static uint64_t published = 0, confirmed = 0;

/* Reads frames until at most `allowed` publishes are unconfirmed; dies on nack or return. */
static void await_confirms(amqp_connection_state_t state, uint64_t allowed) {
  while (published - confirmed > allowed) {
    amqp_frame_t frame;
    if (amqp_simple_wait_frame(state, &frame) != AMQP_STATUS_OK) bench_die(tool, "connection lost awaiting confirms");
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    switch (frame.payload.method.id) {
    case AMQP_BASIC_ACK_METHOD: {
      amqp_basic_ack_t *ack = frame.payload.method.decoded;
      /* Confirms arrive in order; `multiple` covers everything up to the tag. */
      confirmed = ack->delivery_tag;
      break;
    }
    case AMQP_BASIC_NACK_METHOD:
      bench_die(tool, "the broker refused message %llu", (unsigned long long)((amqp_basic_nack_t *)frame.payload.method.decoded)->delivery_tag);
    case AMQP_BASIC_RETURN_METHOD:
      bench_die(tool, "a message was returned: no such queue?");
    case AMQP_CHANNEL_CLOSE_METHOD: {
      amqp_channel_close_t *close = frame.payload.method.decoded;
      bench_die(tool, "channel closed by the broker: %u %.*s", close->reply_code, (int)close->reply_text.len, (char *)close->reply_text.bytes);
    }
    default:
      break;
    }
  }
}

static void publish(amqp_connection_state_t state, const char *queue, const char *type, const char *id,
                    const char *body, size_t length, int with_correlation) {
  char message_id[256];
  snprintf(message_id, sizeof message_id, "%s:%s", type, id);
  amqp_basic_properties_t properties;
  memset(&properties, 0, sizeof properties);
  properties._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG |
                      AMQP_BASIC_TYPE_FLAG | AMQP_BASIC_TIMESTAMP_FLAG;
  properties.content_type = amqp_cstring_bytes("application/json");
  properties.delivery_mode = 2;
  properties.message_id = amqp_cstring_bytes(message_id);
  properties.type = amqp_cstring_bytes(type);
  properties.timestamp = (uint64_t)time(NULL);
  if (with_correlation) {
    properties._flags |= AMQP_BASIC_CORRELATION_ID_FLAG;
    properties.correlation_id = amqp_cstring_bytes(id);
  }
  amqp_bytes_t content = {.len = length, .bytes = (void *)body};
  int status = amqp_basic_publish(state, 1, amqp_empty_bytes, amqp_cstring_bytes(queue), 1, 0, &properties, content);
  if (status != AMQP_STATUS_OK) bench_die(tool, "basic.publish: %s", amqp_error_string2(status));
  published++;
  await_confirms(state, WINDOW);
}

int main(int argc, char **argv) {
  int expect_idle = argc > 1 && strcmp(argv[1], "--expect-idle") == 0;
  int expect_empty = expect_idle || (argc > 1 && strcmp(argv[1], "--expect-empty") == 0);
  argv += expect_empty;
  argc -= expect_empty;
  if (argc != 5) bench_die(tool, "usage: raw-publisher [--expect-empty|--expect-idle] AMQP_URL QUEUE TYPE COUNT|-");
  const char *url = argv[1], *queue = argv[2], *type = argv[3];

  amqp_connection_state_t state = bench_connect(tool, url);
  if (expect_empty) {
    /* A consumer that just closed its channel may still be leaving: the broker returns its
     * unacknowledged deliveries to the queue when it removes the consumer (for a quorum queue
     * in the same log command), so wait (up to 10 s) for no consumer, then count. */
    amqp_queue_declare_ok_t queue_state = bench_queue_state(tool, state, queue);
    for (int waited = 0; expect_idle && queue_state.consumer_count > 0 && waited < 1000; waited++) {
      struct timespec pause = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
      nanosleep(&pause, NULL);
      queue_state = bench_queue_state(tool, state, queue);
    }
    if (expect_idle && queue_state.consumer_count > 0) bench_die(tool, "queue %s still has %u consumer(s)", queue, queue_state.consumer_count);
    if (queue_state.message_count != 0) bench_die(tool, "queue %s is not empty: %u ready messages", queue, queue_state.message_count);
  }
  amqp_confirm_select(state, 1);
  bench_check_reply(tool, amqp_get_rpc_reply(state), "confirm.select");

  double start = bench_now();
  if (strcmp(argv[4], "-") == 0) {
    char *line = NULL;
    size_t capacity = 0;
    ssize_t length;
    while ((length = getline(&line, &capacity, stdin)) > 0) {
      if (line[length - 1] == '\n') line[--length] = '\0';
      char *tab = strchr(line, '\t');
      if (tab == NULL) bench_die(tool, "stdin line without a tab: %s", line);
      *tab = '\0';
      publish(state, queue, type, line, tab + 1, (size_t)(length - (tab + 1 - line)), 1);
    }
    free(line);
  } else {
    long count = atol(argv[4]);
    if (count < 0) bench_die(tool, "COUNT must not be negative");
    for (long i = 1; i <= count; i++) {
      char id[32], body[64];
      snprintf(id, sizeof id, "%ld", i);
      int length = snprintf(body, sizeof body, "{\"n\":%ld}", i);
      publish(state, queue, type, id, body, (size_t)length, 0);
    }
  }
  await_confirms(state, 0);
  double seconds = bench_now() - start;
  bench_close(tool, state);
  printf("{\"tool\":\"raw-publisher\",\"queue\":\"%s\",\"messages\":%llu,\"seconds\":%.6f}\n", queue,
         (unsigned long long)published, seconds);
  return 0;
}
