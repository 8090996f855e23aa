#ifndef SHOP_CSHIMS_H
#define SHOP_CSHIMS_H
// Tiny non-variadic wrappers for the C functions Swift cannot call directly.
#include "amqp_shims.h"
#include "curl_shims.h"
#endif
