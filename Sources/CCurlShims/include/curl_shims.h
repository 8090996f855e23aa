#ifndef SHOP_CURL_SHIMS_H
#define SHOP_CURL_SHIMS_H
#include <curl/curl.h>

// Non-variadic wrappers around libcurl's variadic `curl_easy_setopt` / `curl_easy_getinfo`,
// which Swift cannot call, one per argument type, plus a thread-safe one-time global init.

/// Runs `curl_global_init(CURL_GLOBAL_DEFAULT)` exactly once per process, whichever thread
/// calls first (pthread_once), and returns its result on every call.
CURLcode shop_curl_global_init_once(void);

/// `curl_easy_setopt` for options taking a `long`.
CURLcode shop_curl_easy_setopt_long(CURL *handle, CURLoption option, long value);
/// `curl_easy_setopt` for options taking a C string (libcurl copies it).
CURLcode shop_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
/// `curl_easy_setopt` for options taking a data pointer (e.g. `CURLOPT_ERRORBUFFER`).
CURLcode shop_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
/// `curl_easy_setopt` for options taking a `struct curl_slist *` (not copied: keep it alive).
CURLcode shop_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
/// `curl_easy_setopt` for `CURLOPT_MIMEPOST` (not copied: keep the mime alive).
CURLcode shop_curl_easy_setopt_mime(CURL *handle, CURLoption option, curl_mime *value);
/// `curl_easy_getinfo` for information returned as a `long` (e.g. `CURLINFO_RESPONSE_CODE`).
CURLcode shop_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);

#endif
