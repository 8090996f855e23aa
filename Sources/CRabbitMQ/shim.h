#ifndef SHOP_CRABBITMQ_SHIM_H
#define SHOP_CRABBITMQ_SHIM_H
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#endif
