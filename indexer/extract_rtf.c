#include "extract_int.h"
int ws_extract_rtf(ws_xb *b, const char *data, size_t len, ws_error *err)
{
    (void)data, (void)len;
    return ws_error_set(err, WS_EUNSUPPORTED, "%s: RTF documents are not read yet, skipped", b->name);
}
