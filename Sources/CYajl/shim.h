#ifndef CYAJL_SHIM_H
#define CYAJL_SHIM_H

#include <yajl/yajl_parse.h>

/// `yajl_config` is variadic and Swift cannot call variadic C functions:
/// every option Slipstream uses takes a single int, so this fixes the signature.
static inline int cyajl_config(yajl_handle handle, yajl_option option, int on) {
    return yajl_config(handle, option, on);
}

/// `yajl_parse` takes `const unsigned char *`; taking `const void *` lets a raw
/// Swift buffer pass without rebinding its memory.
static inline yajl_status cyajl_parse(yajl_handle handle, const void *bytes, size_t length) {
    return yajl_parse(handle, (const unsigned char *)bytes, length);
}

#endif
