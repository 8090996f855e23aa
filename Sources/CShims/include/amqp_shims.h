#ifndef SHOP_AMQP_SHIMS_H
#define SHOP_AMQP_SHIMS_H
#include <amqp.h>
#endif
