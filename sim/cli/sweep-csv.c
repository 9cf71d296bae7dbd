/*
 * sweep-csv.c — rows for results.csv with RFC 4180 quoting (and Unix line
 * ends): fields quoted only when they must be, so that spreadsheets and `csv` readers agree on every cell
 * (a string parameter value may hold a comma or a quote).
 */
#include <string.h>
#include "sim/cli/sweep.h"

static void write_field(FILE *out, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (const char *c = s; *c; c++) {
        if (*c == '"')
            fputc('"', out);
        fputc(*c, out);
    }
    fputc('"', out);
}

void sweep_csv_write_row(FILE *out, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', out);
        write_field(out, fields[i]);
    }
    fputc('\n', out);
}
