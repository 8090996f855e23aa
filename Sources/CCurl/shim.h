#ifndef SHOP_CCURL_SHIM_H
#define SHOP_CCURL_SHIM_H
#include <curl/curl.h>
#endif
