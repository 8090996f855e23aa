#include "amqp_shims.h"

#include <sys/eventfd.h>

amqp_rpc_reply_t shop_amqp_login_plain(amqp_connection_state_t state,
                                       char const *vhost,
                                       int channel_max,
                                       int frame_max,
                                       int heartbeat,
                                       amqp_table_t const *client_properties,
                                       char const *username,
                                       char const *password) {
  return amqp_login_with_properties(state, vhost, channel_max, frame_max,
                                    heartbeat, client_properties,
                                    AMQP_SASL_METHOD_PLAIN, username, password);
}

int shop_amqp_wakeup_fd(void) {
  return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}
