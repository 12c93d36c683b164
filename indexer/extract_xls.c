#include "ole.h"
int ws_extract_xls(ws_xb *b, ws_ole *o, ws_error *err)
{
    (void)o;
    return ws_error_set(err, WS_EUNSUPPORTED, "%s: Excel 97-2003 workbooks are not read yet, skipped", b->name);
}
