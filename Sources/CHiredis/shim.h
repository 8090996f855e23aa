#ifndef SHOP_CHIREDIS_SHIM_H
#define SHOP_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>
#endif
