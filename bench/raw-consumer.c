/*
 * The baseline of the worker throughput benchmark: the plainest rabbitmq-c consumer there
 * is. One connection, one channel, basic.qos(prefetch), basic.consume with manual acks, then
 * a loop of amqp_consume_message + one basic.ack per delivery, until COUNT messages are acked.
 *
 *   raw-consumer AMQP_URL QUEUE PREFETCH COUNT
 *
 * Prints one JSON line: the messages, the seconds from the first delivery to the last ack
 * sent, and the rate (messages / seconds; the noop worker reports the same way). Closing the channel (a synchronous round trip after the last ack) proves
 * the broker took every ack. Built by scripts/bench: gcc -O2 bench/raw-consumer.c -lrabbitmq
 */
#include "amqp-bench.h"

static const char *tool = "raw-consumer";

int main(int argc, char **argv) {
  if (argc != 5) bench_die(tool, "usage: raw-consumer AMQP_URL QUEUE PREFETCH COUNT");
  const char *url = argv[1], *queue = argv[2];
  int prefetch = atoi(argv[3]);
  long count = atol(argv[4]);
  if (prefetch < 1 || prefetch > 65535 || count < 1) bench_die(tool, "PREFETCH must be 1...65535 and COUNT at least 1");

  amqp_connection_state_t state = bench_connect(tool, url);
  amqp_basic_qos(state, 1, 0, (uint16_t)prefetch, 0);
  bench_check_reply(tool, amqp_get_rpc_reply(state), "basic.qos");
  amqp_basic_consume(state, 1, amqp_cstring_bytes(queue), amqp_cstring_bytes("raw-consumer"), 0, 0, 0, amqp_empty_table);
  bench_check_reply(tool, amqp_get_rpc_reply(state), "basic.consume");

  double first = 0, last = 0;
  long redelivered = 0;
  for (long acked = 0; acked < count;) {
    amqp_envelope_t envelope;
    amqp_maybe_release_buffers(state);
    amqp_rpc_reply_t reply = amqp_consume_message(state, &envelope, NULL, 0);
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
      /* A frame that is not a delivery (heartbeats are off; nothing else is expected). */
      amqp_frame_t frame;
      if (amqp_simple_wait_frame(state, &frame) != AMQP_STATUS_OK) bench_die(tool, "connection lost");
      continue;
    }
    bench_check_reply(tool, reply, "basic.deliver");
    if (acked == 0) first = bench_now();
    if (envelope.redelivered) redelivered++;
    if (amqp_basic_ack(state, envelope.channel, envelope.delivery_tag, 0) != AMQP_STATUS_OK) bench_die(tool, "basic.ack failed");
    amqp_destroy_envelope(&envelope);
    acked++;
    last = bench_now();
  }
  /* Cancel before closing: a quorum queue may drop acks it still holds unsent when the
   * channel closes (rabbitmq/rabbitmq-server#10327, seen here on 3.10.8: the last few acked
   * messages came back). basic.cancel first sends the acks it holds and waits for the queue,
   * so after cancel-ok every ack has taken effect. Deliveries beyond COUNT (there should be
   * none) go back to the queue on close. */
  amqp_basic_cancel(state, 1, amqp_cstring_bytes("raw-consumer"));
  bench_check_reply(tool, amqp_get_rpc_reply(state), "basic.cancel");
  bench_close(tool, state);

  double seconds = last - first;
  printf("{\"tool\":\"raw-consumer\",\"queue\":\"%s\",\"prefetch\":%d,\"messages\":%ld,\"redelivered\":%ld,\"seconds\":%.6f,"
         "\"per_second\":%.1f}\n",
         queue, prefetch, count, redelivered, seconds, seconds > 0 ? (double)count / seconds : 0.0);
  return 0;
}
