"""Presses the add-in's buttons on an xlwings Book built from a client payload (stdin); prints the actions as JSON.

`main*` names run the ribbon's entry points through xw.Book.caller(); other names run the @xw.script functions
as xlwings Server does (custom_scripts_call, with XLWINGS_ON_SERVER=true set by the caller).
The xlwings licence key is read when xlwings is imported, so the tests run this in a child process.
"""

import asyncio
import copy
import json
import sys

import xlwings as xw

from sasac_check.excel import addin_entry

payload = json.loads(sys.stdin.read())
out = {}
for name in sys.argv[1:]:
    book = xw.Book(json=copy.deepcopy(payload))  # the remote Book mutates its payload (sheets.add)
    if name.startswith("main"):
        book.set_mock_caller()
        getattr(addin_entry, name)()
    else:
        from xlwings.server import custom_scripts_call

        asyncio.run(custom_scripts_call(addin_entry, name, typehint_to_value={xw.Book: book}))
    out[name] = book.json()["actions"]
print(json.dumps(out, ensure_ascii=False))
