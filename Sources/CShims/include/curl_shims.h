#ifndef SHOP_CURL_SHIMS_H
#define SHOP_CURL_SHIMS_H
#include <curl/curl.h>
#endif
