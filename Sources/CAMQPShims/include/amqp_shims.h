#ifndef SHOP_AMQP_SHIMS_H
#define SHOP_AMQP_SHIMS_H
#include <amqp.h>
#include <amqp_framing.h>

// Method numbers the Messaging module dispatches on, as typed constants: the
// AMQP_*_METHOD macros are casts, which Swift does not import.
static const amqp_method_number_t shop_amqp_connection_close = AMQP_CONNECTION_CLOSE_METHOD;
static const amqp_method_number_t shop_amqp_connection_close_ok = AMQP_CONNECTION_CLOSE_OK_METHOD;
static const amqp_method_number_t shop_amqp_connection_blocked = AMQP_CONNECTION_BLOCKED_METHOD;
static const amqp_method_number_t shop_amqp_connection_unblocked = AMQP_CONNECTION_UNBLOCKED_METHOD;
static const amqp_method_number_t shop_amqp_channel_close = AMQP_CHANNEL_CLOSE_METHOD;
static const amqp_method_number_t shop_amqp_channel_close_ok = AMQP_CHANNEL_CLOSE_OK_METHOD;
static const amqp_method_number_t shop_amqp_basic_deliver = AMQP_BASIC_DELIVER_METHOD;
static const amqp_method_number_t shop_amqp_basic_return = AMQP_BASIC_RETURN_METHOD;
static const amqp_method_number_t shop_amqp_basic_ack = AMQP_BASIC_ACK_METHOD;
static const amqp_method_number_t shop_amqp_basic_nack = AMQP_BASIC_NACK_METHOD;
static const amqp_method_number_t shop_amqp_basic_cancel = AMQP_BASIC_CANCEL_METHOD;
static const amqp_method_number_t shop_amqp_basic_cancel_ok = AMQP_BASIC_CANCEL_OK_METHOD;
static const amqp_method_number_t shop_amqp_basic_get_ok = AMQP_BASIC_GET_OK_METHOD;
static const amqp_method_number_t shop_amqp_basic_get_empty = AMQP_BASIC_GET_EMPTY_METHOD;

/// amqp_login_with_properties with SASL PLAIN, without the variadic tail Swift cannot call.
/// `client_properties` may be NULL; rabbitmq-c merges it with its own defaults.
amqp_rpc_reply_t shop_amqp_login_plain(amqp_connection_state_t state,
                                       char const *vhost,
                                       int channel_max,
                                       int frame_max,
                                       int heartbeat,
                                       amqp_table_t const *client_properties,
                                       char const *username,
                                       char const *password);


/// A non-blocking, close-on-exec eventfd: the Messaging connection thread polls it beside the
/// AMQP socket so that a caller's command wakes it. Returns -1 and sets errno on failure.
int shop_amqp_wakeup_fd(void);

#endif
