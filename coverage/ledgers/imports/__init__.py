"""The ledger file import (台账导入): a spreadsheet of social organisations in a
fixed column template (`columns`), read (`parsing`), checked row by row with
the model's own rules (`checking`), previewed and then written all-or-nothing
through organizations.services (`services`); `template` is the download."""
