#include "curl_shims.h"
#include <pthread.h>

static pthread_once_t shop_curl_init_once = PTHREAD_ONCE_INIT;
static CURLcode shop_curl_init_result = CURLE_FAILED_INIT;

static void shop_curl_global_init_body(void) {
    // pthread_once guarantees one call even when several thread-pool threads send their first
    // mail at the same moment (Debian's libcurl 7.88 is also built "threadsafe", so
    // curl_global_init itself is safe; the once-guard keeps us correct on older builds).
    // The result is written once, here; every reader calls pthread_once first, which orders
    // that write before its read, so this static is write-once, not shared mutable state.
    shop_curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

CURLcode shop_curl_global_init_once(void) {
    pthread_once(&shop_curl_init_once, shop_curl_global_init_body);
    return shop_curl_init_result;
}

CURLcode shop_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode shop_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode shop_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode shop_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode shop_curl_easy_setopt_mime(CURL *handle, CURLoption option, curl_mime *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode shop_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
