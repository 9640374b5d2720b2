"""Number formats for the Chinese UI (settings.FORMAT_MODULE_PATH); the rest
comes from Django's own zh_Hans formats.

Django's zh_Hans has no thousands separator, so every grouped figure
(intcomma, number_format with force_grouping) printed as 59978000. Official
reports group by three with a comma: 5,997.80 万元, 3,866 家."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
