"""The ledger file import (台账导入): a spreadsheet of social organisations in a
fixed column template (`columns`), read within fixed limits (`parsing`, with
`xlsx` streaming workbooks), checked once, row by row, with the model's own
rules (`checking`), the result stored (`store`) with its problems as codes
worded when shown (`problems`), previewed a page at a time and then written
all-or-nothing from the stored rows through organizations.services
(`services`); `template` is the download."""
